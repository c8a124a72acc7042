/**
 * Makes sure the namespace knows the remediation search attributes before a worker serves it: a run
 * that upserts an unregistered attribute fails its workflow task and stalls. The dev server gets
 * them from command-line flags; a real cluster gets the missing ones created here through the
 * operator service. Existing attributes are never touched, so this is safe to run on every start
 * from any number of workers at once.
 */
import { isGrpcServiceError, type ConnectionLike } from '@temporalio/client';
import { SearchAttributeType, type defineSearchAttributeKey } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { REMEDIATION_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

export interface SearchAttributeRegistration {
  namespace: string;
  /** Attributes this call added to the namespace. */
  created: string[];
  /** Attributes the namespace already had with the expected type (left alone). */
  existing: string[];
}

export class SearchAttributeRegistrationError extends Error {
  override name = 'SearchAttributeRegistrationError';
  constructor(
    message: string,
    readonly namespace: string,
    /** Attributes the namespace lacks (or has with the wrong type). */
    readonly missing: string[],
  ) {
    super(message);
  }
}

type AnyKey = ReturnType<typeof defineSearchAttributeKey<SearchAttributeType>>;

/** The operator service's enum for a search attribute type: KEYWORD → INDEXED_VALUE_TYPE_KEYWORD. */
const { IndexedValueType } = temporal.api.enums.v1;
function indexedValueType(type: SearchAttributeType): number {
  return IndexedValueType[`INDEXED_VALUE_TYPE_${type}`];
}
type Operator = Pick<ConnectionLike, 'operatorService'>;

interface Comparison {
  existing: string[];
  missing: AnyKey[];
  mistyped: { name: string; actual: string }[];
}

/** "KEYWORD_LIST" → "KeywordList", the spelling tcld, the Temporal CLI and the Web UI use. */
function typeLabel(type: SearchAttributeType): string {
  return type
    .toLowerCase()
    .split('_')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

function typeOfIndexedValue(indexed: number | undefined): SearchAttributeType | undefined {
  return Object.values(SearchAttributeType).find((t) => indexedValueType(t) === indexed);
}

function serverMessage(err: unknown): string {
  return isGrpcServiceError(err) ? err.details || err.message : (err as Error).message;
}

function howToCreateByHand(namespace: string, keys: readonly AnyKey[]): string {
  const tcld = keys.map((k) => `--search-attribute "${k.name}=${typeLabel(k.type)}"`).join(' ');
  const cli = keys.map((k) => `--name ${k.name} --type ${typeLabel(k.type)}`).join(' ');
  return (
    `Create them once by hand — Temporal Cloud: \`tcld namespace search-attributes add --namespace ${namespace} ${tcld}\` ` +
    `(or the Cloud UI: Namespace → Search Attributes); self-hosted: ` +
    `\`temporal operator search-attribute create --namespace ${namespace} ${cli}\`.`
  );
}

async function compareWithNamespace(
  connection: Operator,
  namespace: string,
  keys: readonly AnyKey[],
): Promise<Comparison> {
  let registered: Record<string, number>;
  try {
    registered =
      (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    throw new SearchAttributeRegistrationError(
      `Cannot list the search attributes of namespace "${namespace}" to check for ${keys
        .map((k) => k.name)
        .join(', ')}: ${serverMessage(err)}`,
      namespace,
      keys.map((k) => k.name),
    );
  }
  const comparison: Comparison = { existing: [], missing: [], mistyped: [] };
  for (const key of keys) {
    if (!(key.name in registered)) comparison.missing.push(key);
    else {
      const actual = typeOfIndexedValue(registered[key.name]);
      if (actual === key.type) comparison.existing.push(key.name);
      else comparison.mistyped.push({ name: key.name, actual: actual ? typeLabel(actual) : 'unknown' });
    }
  }
  return comparison;
}

function refuseMistyped(namespace: string, mistyped: Comparison['mistyped']): never {
  // Left alone as promised, but queries on them would not behave as the runbook says: stop here.
  throw new SearchAttributeRegistrationError(
    `Namespace "${namespace}" has search attributes of the wrong type (${mistyped
      .map((m) => `${m.name} is ${m.actual}`)
      .join(', ')}); connect-remediator needs Keyword. Recreate them as Keyword, or use another namespace.`,
    namespace,
    mistyped.map((m) => m.name),
  );
}

/**
 * Lists the namespace's custom search attributes and adds the ones in `keys` that are missing.
 * Throws SearchAttributeRegistrationError naming the namespace and the attributes when the server
 * refuses (Temporal Cloud creates attributes only through tcld or its UI; a SQL visibility store
 * has a fixed number of Keyword slots), or when one exists with another type.
 */
export async function ensureSearchAttributes(
  connection: Operator,
  namespace: string,
  keys: readonly AnyKey[] = REMEDIATION_SEARCH_ATTRIBUTES,
): Promise<SearchAttributeRegistration> {
  const before = await compareWithNamespace(connection, namespace, keys);
  if (before.mistyped.length) refuseMistyped(namespace, before.mistyped);
  if (before.missing.length === 0) return { namespace, created: [], existing: before.existing };

  const { missing } = before;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, indexedValueType(k.type)])),
    });
  } catch (err) {
    // Another worker starting at the same moment may have added them first: that is success too.
    const after = await compareWithNamespace(connection, namespace, keys).catch(() => before);
    if (after.missing.length === 0 && after.mistyped.length === 0)
      return { namespace, created: [], existing: after.existing };
    throw new SearchAttributeRegistrationError(
      `Namespace "${namespace}" lacks the search attributes ${after.missing
        .map((k) => `${k.name} (${typeLabel(k.type)})`)
        .join(', ')} and the server refused to create them: ${serverMessage(err)}. ` +
        howToCreateByHand(namespace, after.missing),
      namespace,
      after.missing.map((k) => k.name),
    );
  }
  return { namespace, created: missing.map((k) => k.name), existing: before.existing };
}
