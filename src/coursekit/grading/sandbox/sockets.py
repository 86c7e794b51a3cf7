"""How the grader reaches a sandboxed kernel's sockets, and the cap on what one message may bring into the grader.

The kernel binds its Unix sockets inside its sandbox (``bwrap.SOCKETS``, in the scratch space), so nothing it
writes there can fill the grader's disk. The grader reaches them through ``/proc/<pid>/root`` of the sandbox's
first process (``SandboxRoute``). Every socket the grader opens to a kernel refuses a message part larger than
``cap`` bytes (ZMQ_MAXMSGSIZE: libzmq drops the connection instead of reading the part into memory), so output
the output limit would refuse anyway never reaches the grader's memory; a monitor notes each such drop.
"""

from __future__ import annotations

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient

HEADERS = 64 * 1024  # room for a message's header, parent header and metadata
MONITORED = (zmq.SUB, zmq.DEALER)  # iopub and shell: where a kernel's output and replies come in


class CappedContext(zmq.asyncio.Context):
    """A ZMQ context whose sockets refuse message parts over ``cap`` bytes and remember dropping a connection."""

    cap = 0  # declared here: pyzmq takes any other attribute for a ZMQ option
    _monitors: list | None = None

    def __init__(self, cap: int):
        super().__init__()
        self.cap, self._monitors = cap, []

    def socket(self, socket_type, *args, **kwargs):
        sock = super().socket(socket_type, *args, **kwargs)
        if self.cap:
            sock.setsockopt(zmq.MAXMSGSIZE, self.cap)
            if socket_type in MONITORED:
                self._monitors.append(sock.get_monitor_socket(zmq.EVENT_DISCONNECTED))
        return sock

    def dropped(self) -> bool:
        """Did a connection to the kernel drop since the kernel started (an oversized message, while it runs)?"""
        for monitor in self._monitors:
            try:
                if monitor.getsockopt(zmq.EVENTS) & zmq.POLLIN:  # an event waits: never blocks, in any event loop
                    return True
            except zmq.ZMQError:  # closed with its socket
                continue
        return False


def message_cap(output_bytes: int) -> int:
    """The largest message part to accept: a part larger than the whole output budget can never be kept."""
    return output_bytes + HEADERS if output_bytes else 0


class SandboxRoute:
    """For a manager or client: URLs of the kernel's sockets as seen from the grader (``sandbox_root`` + path)."""

    sandbox_root = ""  # "/proc/<pid>/root" once the sandbox runs; "" while the sockets are on the grader's own path

    def _make_url(self, channel: str) -> str:
        url = super()._make_url(channel)
        return url.replace("ipc://", f"ipc://{self.sandbox_root}", 1) if self.sandbox_root else url


class SandboxKernelClient(SandboxRoute, AsyncKernelClient):
    """nbclient's client for a sandboxed kernel: its sockets are capped as its manager says."""

    def _context_default(self) -> CappedContext:
        self._created_context = True  # so jupyter_client destroys it with the client
        return CappedContext(getattr(self.parent, "message_cap", 0))

    def dropped(self) -> bool:
        """Did this client refuse a message too large for the output limit?"""
        return isinstance(self.context, CappedContext) and self.context.dropped()
