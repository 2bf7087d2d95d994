import net from "node:net";

/**
 * Setup file of the `unit` project: unit tests do no I/O (DESIGN.md, tests/), so they need no
 * database, no Redis and no provider. A TCP connection from one fails that test at once, naming
 * where it went, instead of passing on a machine where PostgreSQL happens to run. A test that
 * needs a real service belongs in tests/integration (*.integration.test.ts).
 */
net.Socket.prototype.connect = function refuse(this: net.Socket, ...args: unknown[]): never {
  // net.connect() passes its normalised [options, listener] as one argument; socket.connect() takes (port, host).
  const [first, second] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const options = (typeof first === "object" && first !== null ? first : {}) as Partial<net.TcpNetConnectOpts & net.IpcNetConnectOpts>;
  const target = typeof first === "object" ? options.path ?? `${options.host ?? "localhost"}:${String(options.port)}` : `${String(second ?? "localhost")}:${String(first)}`;
  throw new Error(`a unit test opened a network connection (${target}); it belongs in tests/integration`);
} as typeof net.Socket.prototype.connect;
