// Types of generate.mjs, for the tests that build their inputs with it.
export function quickstartConfig(): Record<string, unknown>;
export function resourceListText(itemTexts: string[], functionConfig?: unknown): string;
export function quickstartList(): string;
export function packageList(n: number): string;
export function resource(i: number): string;
export function lokiRulesList(groups: number): string;
