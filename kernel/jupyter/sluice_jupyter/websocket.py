"""A kernel websocket with Nagle's algorithm off.

Jupyter Server writes every kernel message as its own small websocket frame, and tornado leaves
Nagle's algorithm on. A frame written while the previous one is still unacknowledged then waits
for the client's delayed ACK (40 ms on Linux): a cell's execute_reply and the idle status after
it, or two live chart updates in a row, arrive 40 ms late. Measured with
bench/responsiveness.bench.ts: a trivial cell took 48 ms (p50) through a stock server and 7-12 ms
with this connection class. Interactive traffic is what TCP_NODELAY is for.
"""

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class NoDelayKernelWebsocketConnection(ZMQChannelsWebsocketConnection):
    """Jupyter Server's own ZeroMQ <-> websocket bridge, with TCP_NODELAY on the socket."""

    def connect(self):
        # The handler's stream exists once the websocket is open, which is when connect() runs.
        self.websocket_handler.set_nodelay(True)
        return super().connect()
