import YAML from 'yaml';
import { maskSecrets } from '../../config/load.js';
import type { Command } from '../command.js';

export const configCheck: Command = {
  path: ['config', 'check'],
  summary: 'Validate the configuration and print the effective values (secrets masked)',
  async run(_args, io) {
    const masked = maskSecrets(io.config());
    return { json: masked, human: `# configuration is valid\n${YAML.stringify(masked)}` };
  },
};
