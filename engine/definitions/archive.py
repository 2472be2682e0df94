"""Definition files in and out: an uploaded .bpmn/.dmn/.form/.json or zip bundle, and a version as a zip.

Process owners edit in Camunda Modeler on their desktops as well as in the browser, so a version downloads
as the folder layout of ``processes/`` (``<process_id>/<process_id>.bpmn``, ``forms/``, ``scenarios/`` and the
processes it calls) and the same zip, or any single file of it, uploads back. Paths are checked before
anything is read: an upload can never name a file outside its process folders.
"""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import PurePosixPath

from lxml import etree

from engine.config import UPLOADS, UploadLimits
from engine.definitions.bounded_json import JsonLimitError, read_json
from engine.definitions.identifiers import PROCESS_ID_RULE, bpmn_path, process_id_problem, shown
from engine.definitions.lint import NS
from engine.errors import FormDataError

SUFFIXES = (".bpmn", ".dmn", ".form", ".json")
# A file or folder name: no leading dot or dash, bounded. A process folder is a process id (identifiers.py).
_SEGMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$")
_CHUNK = 64 * 1024
_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, NotImplementedError,
               RuntimeError, ValueError, EOFError, OSError)
_FIELD = "file"  # the upload form's field, where the message is shown


def _refuse(message: str) -> FormDataError:
    return FormDataError({_FIELD: message})


def decode(name: str, content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(f"「{shown(name)}」は UTF-8 のテキストとして読めません") from None
    check_json(name, text)
    return text


def check_json(name: str, text: str, field: str = _FIELD) -> None:
    """A .form or .json file past the JSON limits is refused; a JSON mistake is stored (validation tells)."""
    if not name.endswith((".form", ".json")):
        return
    try:
        read_json(text)
    except JsonLimitError as error:
        raise FormDataError({field: f"「{shown(name)}」は JSON として読めません: {error.msg}"}) from None
    except ValueError:
        pass


def checked_process_id(value: str) -> str:
    """The upload's target process, or the one a BPMN file names, when it fits the id grammar."""
    problem = process_id_problem(value)
    if problem:
        raise _refuse(problem)
    return value


def safe_path(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    parts = path.parts
    if path.is_absolute() or not parts or any(p in ("", ".", "..") or not _SEGMENT.match(p) for p in parts):
        raise _refuse(
            f"ファイル名「{shown(name)}」は使えません（英数字・「_」「-」「.」のみ、フォルダの外は指定できません）"
        )
    if len(parts) > 1 and process_id_problem(parts[0]):
        raise _refuse(f"「{shown(name)}」のフォルダ名はプロセス ID として使えません（{PROCESS_ID_RULE}）")
    if path.suffix not in SUFFIXES:
        raise _refuse(f"「{shown(name)}」は対応していない種類のファイルです（.bpmn .dmn .form .json のみ）")
    return path.as_posix()


def executable_process_id(xml: str) -> str | None:
    """The id of the executable process a BPMN file defines (None when it cannot be read)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return None
    process = root.find("bpmn:process[@isExecutable='true']", NS)
    if process is None:
        process = root.find("bpmn:process", NS)
    return process.get("id") if process is not None else None


def place_file(file_name: str, text: str, process_id: str | None) -> tuple[str, str]:
    """(process_id, path) of one uploaded file, by its kind: where it lives in the process folder."""
    name = safe_path(PurePosixPath(file_name.replace("\\", "/")).name)
    suffix = PurePosixPath(name).suffix
    if suffix == ".bpmn":
        process_id = process_id or executable_process_id(text)
        if not process_id:
            raise _refuse(
                f"「{name}」からプロセス ID を読み取れません。アップロード先のプロセスを選んでください"
            )
        process_id = checked_process_id(process_id)
        return process_id, bpmn_path(process_id)
    if not process_id:
        raise _refuse(f"「{name}」をどのプロセスに加えるか選んでください")
    process_id = checked_process_id(process_id)
    folder = {".dmn": "", ".form": "forms/"}.get(suffix, "" if name == "process.json" else "scenarios/")
    return process_id, f"{process_id}/{folder}{name}"


def read_zip(
    content: bytes, process_id: str | None, limits: UploadLimits = UPLOADS
) -> tuple[str, dict[str, str]]:
    """(main process id, files) of a zip bundle: rooted at the process folders, or one folder's files."""
    if process_id:
        process_id = checked_process_id(process_id)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise _refuse("zip ファイルとして読めません") from None
    with archive:
        files = _read_entries(archive, limits)
    if not _rooted(files):
        if not process_id:
            raise _refuse(
                "zip の中にプロセスのフォルダ（<プロセスID>/<プロセスID>.bpmn）がありません。"
                "アップロード先のプロセスを選んでください"
            )
        files = {f"{process_id}/{path}": text for path, text in files.items()}
    return _main_process(files, process_id), files


def _read_entries(archive: zipfile.ZipFile, limits: UploadLimits) -> dict[str, str]:
    """Every definition file, its path checked before it is read and its bytes counted as they come out:
    the sizes a zip's headers state are not trusted, so reading stops at the first byte over a limit."""
    listed = archive.infolist()
    entries = [info for info in listed if not info.is_dir() and not _ignored(info.filename)]
    if not entries:
        raise _refuse("zip ファイルに定義ファイルがありません")
    if len(listed) > limits.zip_entries or len(entries) > limits.files:
        raise _refuse(f"zip ファイルのファイルが多すぎます（{limits.files} ファイルまで）")
    paths = [safe_path(info.filename) for info in entries]
    budget = limits.total_bytes
    files = {}
    for path, info in zip(paths, entries, strict=True):
        data = _read_entry(archive, info, min(limits.file_bytes, budget), limits)
        budget -= len(data)
        files[path] = decode(info.filename, data)
    return files


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, allowed: int, limits: UploadLimits) -> bytes:
    name = shown(info.filename)
    if info.file_size > allowed:
        raise _too_large(name, limits)
    chunks, read = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                read += len(chunk)
                if read > allowed:
                    raise _too_large(name, limits)
                chunks.append(chunk)
    except _UNREADABLE:  # a bad CRC (e.g. headers that understate the size), encryption, bad data
        raise _refuse(f"zip の「{name}」を読めません（壊れているか、暗号化・未対応の圧縮形式です）") from None
    return b"".join(chunks)


def _too_large(name: str, limits: UploadLimits) -> FormDataError:
    return _refuse(
        f"zip の「{name}」を展開すると大きすぎます（1 ファイル {limits.file_bytes // 1024 // 1024} MB・"
        f"合計 {limits.total_bytes // 1024 // 1024} MB まで）"
    )


def _ignored(name: str) -> bool:
    return name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith(".")


def _folders(files: Mapping[str, str]) -> set[str]:
    return {path.split("/")[0] for path in files if "/" in path}


def _rooted(files: Mapping[str, str]) -> bool:
    return all("/" in path for path in files) and all(bpmn_path(f) in files for f in _folders(files))


def _main_process(files: Mapping[str, str], process_id: str | None) -> str:
    folders = sorted(_folders(files))
    if process_id:
        if process_id not in folders:
            raise _refuse(f"zip の中にプロセス「{process_id}」のフォルダがありません")
        return process_id
    called = {ref for folder in folders for ref in _called(files[bpmn_path(folder)])}
    roots = [folder for folder in folders if folder not in called]
    if len(roots) != 1:
        raise _refuse(
            f"zip に複数のプロセス（{', '.join(roots)}）があります。アップロード先のプロセスを選んでください"
        )
    return roots[0]


def _called(xml: str) -> set[str]:
    try:
        root = etree.fromstring(xml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return set()
    return {
        call.get("calledElement")
        for call in root.iterfind(".//bpmn:callActivity", NS)
        if call.get("calledElement")
    }


def write_zip(files: Mapping[str, str]) -> bytes:
    """The files as a zip with a fixed timestamp, so downloading a version twice gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=(2025, 4, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path].encode("utf-8"))
    return buffer.getvalue()
