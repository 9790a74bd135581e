import {
  ASTVisitor,
  FieldNode,
  GraphQLCompositeType,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  OperationDefinitionNode,
  SchemaMetaFieldDef,
  SelectionSetNode,
  TypeMetaFieldDef,
  ValidationContext,
  ValidationRule,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
} from 'graphql';
import { LIMITS } from './limits';

export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxFields: number;
}

/**
 * Singular fields that lead to exactly one object per parent, never to a shared parent: a list below
 * them repeats nothing. Every other singular field returning a type with lists is a reference to a
 * shared parent (Scope.server, Pool.scope, FailoverRelationship.primaryServer, …).
 */
const ONE_TO_ONE = new Set(['Scope.failoverPartner']);

/**
 * One walk over each operation, fragments expanded, that enforces:
 * - depth: fields on the deepest path (the `ofType` chain of introspection does not count);
 * - aliases: aliased fields, expanded, so a fragment of aliases spread many times counts every time;
 * - fields: the expanded size of the operation, which stops fragment bombs before anything else walks them;
 * - fan-out: a list re-entered through a reference to a shared parent below another list, e.g.
 *   `servers { scopes { server { scopes } } }`: each of 10,000 scopes would repeat its server's 10,000
 *   scopes (10^8 objects) although the query is small and shallow. Complexity with unpaginated lists
 *   counted once cannot see that, so it is refused by shape.
 * Refusals come back as GRAPHQL_VALIDATION_FAILED with `extensions.limit` naming the limit.
 */
export function queryShapeRule(limits: ShapeLimits = LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      const root = rootType(context, operation);
      if (root) new ShapeWalk(context, limits).run(operation, root);
      return false;
    },
  });
}

interface PathState {
  depth: number;
  /** a list lies above this point */
  underList: boolean;
  /** the reference to a shared parent taken below that list, if any */
  reference: string | null;
}

class Abort extends Error {}

class ShapeWalk {
  private fields = 0;
  private aliases = 0;
  private deepest = 0;
  private reported = new Set<string>();
  private readonly activeFragments = new Set<string>();

  constructor(
    private readonly context: ValidationContext,
    private readonly limits: ShapeLimits,
  ) {}

  run(operation: OperationDefinitionNode, root: GraphQLCompositeType): void {
    try {
      this.selectionSet(operation.selectionSet, root, { depth: 0, underList: false, reference: null });
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
    }
  }

  private selectionSet(set: SelectionSetNode, type: GraphQLCompositeType, state: PathState): void {
    for (const selection of set.selections) {
      switch (selection.kind) {
        case 'Field':
          this.field(selection, type, state);
          break;
        case 'InlineFragment': {
          const condition = selection.typeCondition ? this.context.getSchema().getType(selection.typeCondition.name.value) : type;
          if (condition && isCompositeType(condition)) this.selectionSet(selection.selectionSet, condition, state);
          break;
        }
        case 'FragmentSpread': {
          const name = selection.name.value;
          const fragment = this.context.getFragment(name);
          // A cycle is refused by graphql's own NoFragmentCycles rule; here it must only not loop.
          if (!fragment || this.activeFragments.has(name)) break;
          const condition = this.context.getSchema().getType(fragment.typeCondition.name.value);
          if (!condition || !isCompositeType(condition)) break;
          this.activeFragments.add(name);
          this.selectionSet(fragment.selectionSet, condition, state);
          this.activeFragments.delete(name);
          break;
        }
      }
    }
  }

  private field(node: FieldNode, parent: GraphQLCompositeType, state: PathState): void {
    if (++this.fields > this.limits.maxFields) {
      this.refuse('fields', node, `the operation expands to more than ${this.limits.maxFields} fields (fragments counted every time they are spread)`, {
        maximum: this.limits.maxFields,
      });
      throw new Abort();
    }
    if (node.alias && ++this.aliases > this.limits.maxAliases) {
      this.refuse('aliases', node, `the operation uses more than ${this.limits.maxAliases} aliases`, { maximum: this.limits.maxAliases });
    }
    const def = fieldOf(this.context, parent, node.name.value);
    if (!def) return; // __typename, or an unknown field that graphql's own rules report
    const depth = state.depth + (parent.name === '__Type' && def.name === 'ofType' ? 0 : 1);
    if (depth > this.limits.maxDepth && depth > this.deepest) {
      this.refuse('depth', node, `the operation is nested deeper than ${this.limits.maxDepth} levels`, { maximum: this.limits.maxDepth });
    }
    this.deepest = Math.max(this.deepest, depth);
    if (!node.selectionSet) return;

    const named = getNamedType(def.type) as GraphQLNamedType;
    if (!isCompositeType(named)) return;
    const label = `${parent.name}.${def.name}`;
    let next: PathState;
    if (isListType(getNullableType(def.type))) {
      if (state.reference && !def.args.some((a) => a.name === 'first')) {
        this.refuse(
          'fan-out',
          node,
          `${label} is reached through ${state.reference} below a list, so every parent would repeat the whole list; ` +
            `select ${label} where it is not below another list, or page it`,
          {},
        );
      }
      next = { depth, underList: true, reference: null };
    } else if (state.underList && !state.reference && isSharedParent(parent, def)) {
      next = { depth, underList: true, reference: label };
    } else {
      next = { ...state, depth };
    }
    this.selectionSet(node.selectionSet, named, next);
  }

  private refuse(limit: string, node: FieldNode, message: string, extensions: Record<string, unknown>): void {
    if (this.reported.has(limit)) return;
    this.reported.add(limit);
    this.context.reportError(new GraphQLError(message, { nodes: [node], extensions: { limit, ...extensions } }));
  }
}

function rootType(context: ValidationContext, operation: OperationDefinitionNode): GraphQLCompositeType | null | undefined {
  const schema = context.getSchema();
  return operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
}

/** The field's definition, including the introspection fields of the query root (getFields() leaves them out). */
function fieldOf(context: ValidationContext, type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (type === context.getSchema().getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  }
  return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
}

/** A singular field whose object has lists of its own and is shared by many parents (see ONE_TO_ONE). */
function isSharedParent(parent: GraphQLCompositeType, def: GraphQLField<unknown, unknown>): boolean {
  if (ONE_TO_ONE.has(`${parent.name}.${def.name}`)) return false;
  if (def.name === 'node' && parent.name.endsWith('Edge')) return false; // Relay: one node per edge
  const target = getNamedType(def.type);
  if (!isObjectType(target) && !isInterfaceType(target)) return false;
  return Object.values(target.getFields()).some((f) => isListType(getNullableType(f.type)) && isCompositeType(getNamedType(f.type)));
}
