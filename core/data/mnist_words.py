"""MNIST's messages in both languages: where to put the files, and what is wrong with one."""

from __future__ import annotations

from core.base.i18n import Texts

TEXTS = {
    "missing": (
        "MNIST not found in {folder} and {reason}; put the four files ({names}) there, "
        "or point --data-dir (or ${env}) at the folder that holds MNIST/raw/",
        "在 {folder} 找不到 MNIST，而且{reason}；请把四个文件（{names}）放到那里，"
        "或者让 --data-dir（或 ${env}）指向包含 MNIST/raw/ 的文件夹",
    ),
    "downloading off": ("downloading is off", "下载已关闭"),
    "cannot write": (
        "neither it nor {cache} can be written to download it",
        "它和 {cache} 都不可写，无法下载",
    ),
    "download failed": ("the download failed ({why})", "下载失败（{why}）"),
    "no files": ("the download into {target} left no files", "下载到 {target} 后没有留下文件"),
    "offline": ("no network: the download host could not be resolved", "没有网络：无法解析下载服务器的地址"),
    # a file that is there but wrong: each ends with what to do
    "fix": (
        "replace it with a good copy (or delete it to download it again)",
        "请换成完好的副本（或删掉它以重新下载）",
    ),
    "truncated": ("truncated", "被截断了"),
    "unreadable": ("unreadable: {exc}", "无法读取：{exc}"),
    "corrupt": ("{path} is corrupt ({reason}); {fix}", "{path} 已损坏（{reason}）；{fix}"),
    "image": ("image", "图像"),
    "label": ("label", "标签"),
    "magic": (
        "{path} is not an MNIST {what} file (magic number {found}, expected {magic}); {fix}",
        "{path} 不是 MNIST 的{what}文件（魔数是 {found}，应为 {magic}）；{fix}",
    ),
    "short header": ("{path} is truncated (its header is cut short); {fix}", "{path} 被截断了（文件头不完整）；{fix}"),
    "not 28x28": ("{path} holds {h}x{w} images, not 28x28; {fix}", "{path} 里是 {h}x{w} 的图像，不是 28x28；{fix}"),
    "size": (
        "{path} is {state} ({size} bytes, expected {expected}); {fix}",
        "{path} {state}（{size} 字节，应为 {expected}）；{fix}",
    ),
    "longer": ("longer than its header says", "比文件头说的长"),
    "pair": (
        "{images} holds {n_images} images but {labels} {n_labels} labels; use files of the same split",
        "{images} 有 {n_images} 张图像，{labels} 却有 {n_labels} 个标签；请用同一划分（训练或测试）的文件",
    ),
    "digit": (
        "{path} holds label {label}, digits are 0-9; replace it with a good copy",
        "{path} 里有标签 {label}，而数字只有 0-9；请换成完好的副本",
    ),
}

say = Texts(TEXTS).say  # TEXTS[key] in the chosen language, filled in
