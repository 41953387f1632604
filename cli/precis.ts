import { main } from './main.js';

// A reader that stops early (`precis clean … | head`) closes the pipe: that ends the command quietly, as in any Unix tool.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

process.exitCode = await main(process.argv.slice(2));
