// `npm start` serves the static build here: node scripts/serve.js [--dir build] [--port 4173]
import { startStaticServer } from './staticServer.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dir = arg('dir', 'build');
let port = Number(arg('port', process.env.PORT ?? 4173));

for (let attempt = 0; ; attempt++) {
  try {
    const { url } = await startStaticServer({ dir, port });
    console.log(`Sporeprint is running at ${url}/  (Ctrl+C to stop)`);
    break;
  } catch (e) {
    if (e.code === 'EADDRINUSE' && attempt < 20) port++;
    else {
      console.error(e.message);
      process.exit(1);
    }
  }
}
