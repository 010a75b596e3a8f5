// The same-run baseline of `npm run bench -- realtime`: bare Socket.IO on a bare HTTP server — no
// authentication, validation, access checks, rate limits or persistence. A client joins a room and sends
// to it; the server emits to the room at once. PORT from the environment.
import { createServer } from "node:http";
import { Server } from "socket.io";

// GET /heap: the V8 heap in use (the bench compares it before and after connecting its sockets).
const server = createServer((req, res) => {
  if (req.url === "/heap") res.writeHead(200).end(String(process.memoryUsage().heapUsed));
  else res.writeHead(404).end();
});
const io = new Server(server, { serveClient: false, maxHttpBufferSize: 16 * 1024 });
io.on("connection", (socket) => {
  socket.on("join", (room, ack) => {
    socket.join(room);
    ack({ ok: true });
  });
  socket.on("leave", (room, ack) => {
    socket.leave(room);
    ack({ ok: true });
  });
  socket.on("send", ({ room, body }, ack) => {
    const message = { room, body, at: new Date().toISOString() };
    io.to(room).emit("club:message", message);
    ack({ ok: true, data: message });
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => {
  io.close();
  process.exit(0);
});
