/**
 * The frontend's nested query: every server with its relationships, their scopes on both servers with
 * the partner scope and the pools with their ranges, and each server's own scopes. The limits are chosen
 * so that this passes whatever the number of scopes (graphql-limits.test.ts runs it at 10,000).
 */
export const FRONTEND_QUERY = `query Frontend {
  servers {
    id name address configPath unmatchedFailoverPeers
    failoverRelationships {
      id name status percentage mclt port loadBalanceMaxSeconds maxResponseDelay maxUnackedUpdates
      primaryServer { id name }
      secondaryServer { id name }
      scopes {
        id network name enabled authority failoverRole
        server { id name }
        failoverPartner { id network enabled server { id name } }
        pools { id ranges { start end } failoverRelationship { id name } }
      }
    }
    scopes {
      id network name enabled authority failoverRole
      failoverRelationship { id name }
      pools { id ranges { start end } }
    }
  }
}`;
