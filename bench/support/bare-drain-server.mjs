// A same-run floor for `npm run bench -- hardening`: plain node:http that reads a request body to its end
// without looking at it and answers 400, as a server refusing a body early but letting the client finish
// sending (so the client can read the answer) must. What receiving the bytes alone costs. PORT from the
// environment.
import http from "node:http";

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    return;
  }
  req.on("data", () => {});
  req.on("end", () =>
    res.writeHead(400, { "content-type": "application/problem+json" }).end('{"status":400}'),
  );
});
server.listen(Number(process.env.PORT), "127.0.0.1");
