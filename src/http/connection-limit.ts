import type { Server } from "node:net";

/**
 * At most `max` open connections per client address in this process: past it, a new connection gets
 * 503 with Retry-After and is closed before a byte is read (issue 30, measured in docs/security.md).
 * It guards this process's memory and sockets, so is per process; behind TRUST_PROXY the proxy caps.
 */
export function limitConnectionsPerClient(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on("connection", (socket) => {
    const address = socket.remoteAddress ?? "unknown";
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroySoon();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
