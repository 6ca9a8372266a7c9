// The shape of a chart's key index, apart from the lookup (chart-keys.ts) so that the generated
// index (chart-keys.generated.ts) can name it without an import cycle.

/**
 * A chart's value keys. 0: a value (string, number, boolean); 1: free-form, anything below is the
 * chart's business or the application's (a null default, a block rendered verbatim, a subchart
 * without an index); a mapping: its keys; [t]: a list whose items are mappings shaped t;
 * []: a list of values.
 */
export type KeyTree = 0 | 1 | [] | [KeyTree] | { [key: string]: KeyTree };
