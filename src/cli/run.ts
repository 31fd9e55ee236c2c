// The `rampart` executable (bin/rampart.js imports this module): run the command, set the exit code.
import { main, EXIT } from './main.js';

const code = await main(process.argv.slice(2));
if (code !== EXIT.running) process.exitCode = code;
