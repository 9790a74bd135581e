/**
 * The mutations the tests send, each signature written once. A test that reads more of the answer than
 * the default selection passes its own: `addScopes('{ status scopes { network } }')`.
 */

const operation = (head: string, call: string, defaultSelection: string) => (selection = defaultSelection) => `${head} { ${call} ${selection} }`;

export const addServer = operation('mutation($input: AddServerInput!)', 'addServer(input: $input)', '{ id name }');
export const syncServer = operation('mutation($name: String!)', 'syncServer(name: $name)', '{ id }');
export const createRelationship = operation('mutation($input: CreateFailoverRelationshipInput!)', 'createFailoverRelationship(input: $input)', '{ id name }');
export const modifyRelationship = operation('mutation($input: ModifyFailoverRelationshipInput!)', 'modifyFailoverRelationship(input: $input)', '{ name }');
export const addScopes = operation('mutation($name: String!, $ids: [ID!]!)', 'addScopesToFailoverRelationship(name: $name, scopeIds: $ids)', '{ name }');
export const removeScopes = operation(
  'mutation($name: String!, $ids: [ID!]!, $action: DeconfigureAction!)',
  'removeScopesFromFailoverRelationship(name: $name, scopeIds: $ids, deconfigureAction: $action)',
  '{ name }',
);
export const createScope = operation('mutation($input: CreateScopeInput!)', 'createScope(input: $input)', '{ id network }');
export const addPool = operation('mutation($input: AddPoolInput!)', 'addPool(input: $input)', '{ id }');

export const ADD_SERVER = addServer();
export const SYNC = syncServer();
export const CREATE_REL = createRelationship();
export const MODIFY_REL = modifyRelationship();
export const ADD_SCOPES = addScopes();
export const REMOVE_SCOPES = removeScopes();
export const CREATE_SCOPE = createScope();
export const ADD_POOL = addPool();
// These answer a scalar: no selection.
export const REMOVE_RELS = `mutation($server: String!, $names: [String!]!, $action: DeconfigureAction!) { removeFailoverRelationships(server: $server, names: $names, deconfigureAction: $action) }`;
export const REMOVE_SERVER = `mutation($name: String!) { removeServer(name: $name) }`;
export const DELETE_SCOPE = `mutation($id: ID!) { deleteScope(id: $id) }`;
export const REMOVE_POOL = `mutation($id: ID!) { removePool(id: $id) }`;
