"""Definition files in and out: an uploaded .bpmn/.dmn/.form/.json or zip bundle, and a version as a zip.

Process owners edit in Camunda Modeler on their desktops as well as in the browser, so a version downloads
as the folder layout of ``processes/`` (``<process_id>/<process_id>.bpmn``, ``forms/``, ``scenarios/`` and the
processes it calls) and the same zip, or any single file of it, uploads back. Paths are checked before
anything is read: an upload can never name a file outside its process folders.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import PurePosixPath

from lxml import etree

from engine.definitions.lint import NS
from engine.errors import FormDataError

SUFFIXES = (".bpmn", ".dmn", ".form", ".json")
MAX_FILES = 200
MAX_TOTAL_BYTES = 20 * 1024 * 1024
_SEGMENT = re.compile(r"^[A-Za-z0-9_.\-]+$")
_FIELD = "file"  # the upload form's field, where the message is shown


def _refuse(message: str) -> FormDataError:
    return FormDataError({_FIELD: message})


def decode(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(f"「{name}」は UTF-8 のテキストとして読めません") from None


def safe_path(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    parts = path.parts
    if path.is_absolute() or not parts or any(p in ("", ".", "..") or not _SEGMENT.match(p) for p in parts):
        raise _refuse(
            f"ファイル名「{name}」は使えません（英数字・「_」「-」「.」のみ、フォルダの外は指定できません）"
        )
    if path.suffix not in SUFFIXES:
        raise _refuse(f"「{name}」は対応していない種類のファイルです（.bpmn .dmn .form .json のみ）")
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
        return process_id, f"{process_id}/{process_id}.bpmn"
    if not process_id:
        raise _refuse(f"「{name}」をどのプロセスに加えるか選んでください")
    folder = {".dmn": "", ".form": "forms/"}.get(suffix, "" if name == "process.json" else "scenarios/")
    return process_id, f"{process_id}/{folder}{name}"


def read_zip(content: bytes, process_id: str | None) -> tuple[str, dict[str, str]]:
    """(main process id, files) of a zip bundle: rooted at the process folders, or one folder's files."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise _refuse("zip ファイルとして読めません") from None
    entries = [info for info in archive.infolist() if not info.is_dir() and not _ignored(info.filename)]
    if not entries:
        raise _refuse("zip ファイルに定義ファイルがありません")
    if len(entries) > MAX_FILES or sum(info.file_size for info in entries) > MAX_TOTAL_BYTES:
        raise _refuse(
            f"zip ファイルが大きすぎます（{MAX_FILES} ファイル・{MAX_TOTAL_BYTES // 1024 // 1024} MB まで）"
        )
    files = {safe_path(info.filename): decode(info.filename, archive.read(info)) for info in entries}
    if not _rooted(files):
        if not process_id:
            raise _refuse(
                "zip の中にプロセスのフォルダ（<プロセスID>/<プロセスID>.bpmn）がありません。"
                "アップロード先のプロセスを選んでください"
            )
        files = {f"{process_id}/{path}": text for path, text in files.items()}
    return _main_process(files, process_id), files


def _ignored(name: str) -> bool:
    return name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith(".")


def _folders(files: Mapping[str, str]) -> set[str]:
    return {path.split("/")[0] for path in files if "/" in path}


def _rooted(files: Mapping[str, str]) -> bool:
    return all("/" in path for path in files) and all(f"{f}/{f}.bpmn" in files for f in _folders(files))


def _main_process(files: Mapping[str, str], process_id: str | None) -> str:
    folders = sorted(_folders(files))
    if process_id:
        if process_id not in folders:
            raise _refuse(f"zip の中にプロセス「{process_id}」のフォルダがありません")
        return process_id
    called = {ref for folder in folders for ref in _called(files[f"{folder}/{folder}.bpmn"])}
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
