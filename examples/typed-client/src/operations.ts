import { graphql } from './gql';

/** The main screen: every server with its relationships, and its scopes with their pools. */
export const MainScreen = graphql(`
  query MainScreen {
    servers {
      name
      address
      failoverRelationships {
        name
        status
        primaryServer { name }
        secondaryServer { name }
      }
      scopes {
        id
        network
        enabled
        failoverRole
        failoverRelationship { name }
        pools {
          ranges { start end }
        }
      }
    }
  }
`);

export const CreateRelationship = graphql(`
  mutation CreateRelationship($input: CreateFailoverRelationshipInput!) {
    createFailoverRelationship(input: $input) {
      name
      status
      mclt
      percentage
    }
  }
`);

export const AddScopes = graphql(`
  mutation AddScopes($name: String!, $scopeIds: [ID!]!) {
    addScopesToFailoverRelationship(name: $name, scopeIds: $scopeIds) {
      name
      status
      scopes {
        network
        failoverRole
        server { name }
      }
    }
  }
`);

export const LiveState = graphql(`
  query LiveState($name: String!) {
    failoverRelationship(name: $name) {
      name
      liveState {
        primary { reachable state partnerState error checkedAt }
        secondary { reachable state partnerState error checkedAt }
      }
    }
  }
`);
