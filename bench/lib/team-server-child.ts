// The team server as `npm run server` runs it (server/cli.ts, same flags, same logger and shutdown),
// in a bench child process that also answers the bench's `cpu` question over the IPC channel: the
// server's CPU per turn without a new endpoint. The admin page build step of scripts/server.mjs is
// left out; the bench never loads the page.
import { serveBenchIpc } from './child-ipc.js';

serveBenchIpc();
await import('../../server/cli.js');
