"""What serving and attaching say to a learner, in English and in Chinese: ``say(key, **values)`` picks the
chosen language's text when the message is made (``core.base.i18n.pick``) and fills it in."""

from __future__ import annotations

from core.base.i18n import Texts

TEXTS: dict[str, tuple[str, str]] = {
    # the client (learn-tui attach)
    "protocol": (
        "{address} speaks protocol {protocol}: attach with the run's learn-tui version",
        "{address} 使用协议 {protocol}：请用与该运行相同版本的 learn-tui attach",
    ),
    "refused": ("{address} refused this terminal: {reason}", "{address} 拒绝了这个终端：{reason}"),
    "stopped": ("stopped before reaching {address}", "在连上 {address} 之前就停止了"),
    "failed": ("the connection to {address} failed: {why}", "到 {address} 的连接失败：{why}"),
    "stale": (
        " (the token file may be stale: pass --token-file or restart the server)",
        "（令牌文件可能已过期：请传 --token-file 或重启服务端）",
    ),
    "gave up": (
        "lost {address} for {time}: gave up reconnecting (attach again later)",
        "与 {address} 失联 {time}：不再重连（稍后再 attach）",
    ),
    "minutes": ("{n:.3g} min", "{n:.3g} 分钟"),
    "seconds": ("{n:g} s", "{n:g} 秒"),
    "another lesson": (
        "{address} now serves another lesson ({lesson}): detached",
        "{address} 现在运行的是另一课（{lesson}）：已断开",
    ),
    "reconnected": ("reconnected", "已重新连接"),
    "lost": ("connection lost, retrying", "连接断开，正在重连"),
    # the attached app (tui/driver/remote.py)
    "unsent": ("connection lost, retrying: try again when it reconnects", "连接断开，正在重连：请在重新连上后再试"),
    "refused here": ("refused: {reason}", "被拒绝：{reason}"),
    "address refused": ("{address} refused: {reason}", "{address} 拒绝了：{reason}"),
    "run ended": ("the run ended", "运行已结束"),
    # the server (learn-tui run ... --serve PORT)
    "cannot serve": (
        "cannot serve on {where}: {why}; try another port",
        "无法在 {where} 上提供服务：{why}；请换一个端口",
    ),
    "not stopped": ("the server did not stop within 5 s; leaving it", "服务端 5 秒内没有停下；不再等它"),
    "loop error": ("the server: {message}{kind}", "服务端：{message}{kind}"),
    "an error": ("an error", "出错"),
    "too big": ("a {kind} too big to send was skipped", "一个 {kind} 太大无法发送，已跳过"),
    "refused a client": ("refused a client{peer}: {reason}", "拒绝了一个客户端{peer}：{reason}"),
    "from": (" from {host}", "（来自 {host}）"),
    "connection failed": ("a connection failed ({why}); the run goes on", "一个连接失败（{why}）；运行继续"),
    "attached": ("a client attached", "一个客户端已 attach"),
    "detached": ("the client detached; training goes on", "客户端已断开；训练继续"),
    "silent": ("the client was silent for {seconds:g} s", "客户端已 {seconds:g} 秒没有消息"),
    "too long": ("a message over {limit} bytes", "一条消息超过 {limit} 字节"),
    "not JSON": ("not JSON", "不是 JSON"),
    "garbled": ("garbled message ({reason}); the run goes on", "消息无法识别（{reason}）；运行继续"),
    "checkpoint name": (
        "{name} takes the name of a checkpoint {whose}in {folders} (e.g. NAME.pt)",
        "{name} 需要一个{whose}位于 {folders} 中的检查点名（例如 NAME.pt）",
    ),
    "saved by this run": ("this run saved, ", "这次运行保存的、"),
    "or": (" or ", " 或 "),
    "no folder": ("no folder", "（无文件夹）"),
    "not sent": (
        "could not send to the client ({why}); it was disconnected",
        "无法发送给客户端（{why}）；已断开它",
    ),
}


say = Texts(TEXTS).say  # TEXTS[key] in the chosen language, filled in
