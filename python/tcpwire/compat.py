"""Drop-in replacements for other packet libraries' TCP helpers, computed by tcpwire.

>>> from tcpwire.compat import dpkt_parse_opts
>>> dpkt_parse_opts(b"\\x02\\x04\\x05\\xb4\\x01\\x00")
[(2, b'\\x05\\xb4'), (1, b''), (0, b'')]
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from . import _tcpwire


def dpkt_parse_opts(buf: bytes) -> List[Optional[Tuple[int, bytes]]]:
    """What ``dpkt.tcp.parse_opts(buf)`` returns, element for element: ``(kind, data)``
    tuples, ``data`` being the bytes after Kind and Length (``b""`` for kinds 0 and 1).

    As dpkt does, it goes on past an EOL, reads a Length below 2 as 2, cuts ``data`` at the end
    of the buffer instead of failing, and ends the list with ``None`` when a kind above 1 has
    no Length byte. (``TcpHeader.options`` is the decoded, validated view of the same bytes.)
    """
    return _tcpwire.dpkt_parse_opts(bytes(buf))
