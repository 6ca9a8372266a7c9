// Grafana's provisioning of a datasource file, evaluated: what Grafana stores for each string.

/**
 * What Grafana stores for a provisioned string (pkg/services/provisioning/values: interpolateValue):
 * split on `$$`, os.ExpandEnv each part (Go os.Expand rules, no variables set), join with `$`.
 */
export function grafanaProvisioned(value: string, env: Record<string, string> = {}): string {
  const expand = (s: string) => {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      if (s[i] !== '$' || i + 1 >= s.length) {
        out += s[i];
        continue;
      }
      const rest = s.slice(i + 1);
      let name = '';
      let width = 0;
      if (rest[0] === '{') {
        const close = rest.indexOf('}');
        if (close === 1)
          width = 2; // "${}": bad syntax, eaten
        else if (close < 0)
          width = 1; // "${": eaten
        else [name, width] = [rest.slice(1, close), close + 1];
      } else if (/^[*#$@!?\-0-9]/.test(rest)) [name, width] = [rest[0]!, 1];
      else [name, width] = [/^[A-Za-z0-9_]*/.exec(rest)![0], /^[A-Za-z0-9_]*/.exec(rest)![0].length];
      if (name === '' && width === 0) out += '$';
      else out += env[name] ?? '';
      i += width;
    }
    return out;
  };
  return value.split('$$').map(expand).join('$');
}
