// Sample data for the demo, entered through the CLI as staff would.
export async function seedDemo(_bin: string, _env: NodeJS.ProcessEnv): Promise<void> {}
