// The one place that touches process.env: everything else receives the loaded config.
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
