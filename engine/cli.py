"""The ``renkei`` command line: database, deployment, scenario tests, demo data, provisioning, timers."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from engine.config import Settings
from engine.definitions.bundle import Bundle
from engine.errors import DefinitionError, FormDataError, RenkeiError

log = logging.getLogger("engine.cli")  # the same name when run as ``python -m engine.cli``


def _engine(settings: Settings):
    from engine.bootstrap import bootstrap

    settings.ensure_sqlite_folder()
    return bootstrap(settings.database_url, script_limits=settings.script_limits)


def _bundle(paths: tuple[str, ...], settings: Settings) -> tuple[Bundle, list[str] | None]:
    """A processes folder, or single process folders inside one (their parent is the bundle root)."""
    try:
        return _read_bundle(paths, settings)
    except DefinitionError as error:  # e.g. a symbolic link: nothing is deployed or run
        raise click.ClickException(str(error)) from None


def _read_bundle(paths: tuple[str, ...], settings: Settings) -> tuple[Bundle, list[str] | None]:
    if not paths:
        return Bundle.from_folder(settings.processes_path), None
    roots = {Path(p).resolve() for p in paths}
    if len(roots) == 1 and Bundle.from_folder(next(iter(roots))).process_ids():
        return Bundle.from_folder(next(iter(roots))), None
    parents = {root.parent for root in roots}
    if len(parents) != 1:
        raise click.UsageError("プロセスのフォルダは同じ親フォルダの中から指定してください")
    return Bundle.from_folder(parents.pop()), sorted(root.name for root in roots)


@click.group()
@click.pass_context
def cli(context: click.Context) -> None:
    """Renkei（連携）: 包括連携協定ガイドラインを BPMN で運用します。"""
    context.obj = Settings.from_environment()


@cli.command("init-db")
@click.pass_obj
def init_db(settings: Settings) -> None:
    """データベースを作成・更新します（Alembic マイグレーション）。"""
    _engine(settings).upgrade_schema()
    click.echo(f"データベースを更新しました: {settings.database_url}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("--comment", help="変更内容の説明（必須。バージョン一覧と監査記録に残ります）")
@click.option("--include-layout", is_flag=True,
              help="図の配置だけの変更も新しいバージョンとして登録します（画面の同名のチェックと同じ）")
@click.pass_obj
def deploy(settings: Settings, paths: tuple[str, ...], comment: str | None, include_layout: bool) -> None:
    """プロセス定義を検証し、新しいバージョンとしてデプロイします。"""
    from engine.library.drafts import deploy_comment

    try:
        comment = deploy_comment(comment)
    except FormDataError as error:  # the page's rule, named as the option it is here
        example = '（例: --comment "①の名称を改訂"）'
        raise click.UsageError(f"--comment: {error.errors['comment']}{example}") from None
    bundle, process_ids = _bundle(paths, settings)
    engine = _engine(settings)
    try:
        results = engine.deploy(bundle, comment=comment, process_ids=process_ids, include_layout=include_layout)
    except DefinitionError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    for result in results:
        state = ("新しいバージョン" if result.created
                 else "レイアウトのみの変更のため新しいバージョンにしていません" if result.layout_only
                 else "変更なし")
        click.echo(f"{result.process_id}: バージョン {result.version}（{state}）")


@cli.command("test-processes")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, file_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="各手順を表示します")
@click.pass_obj
def test_processes(settings: Settings, paths: tuple[str, ...], verbose: bool) -> None:
    """シナリオファイルをプロセス定義に対して実行します。失敗すると終了コード 1。"""
    from engine.library.scenarios import run_bundle

    bundle, process_ids = _bundle(paths, settings)
    results = run_bundle(bundle, process_ids)
    for result in results:
        mark = "OK " if result.passed else "NG "
        click.echo(f"{mark} {result.file_name}: {result.name}")
        for line in result.log if verbose else []:
            click.echo(f"      {line}")
        if result.failure:
            click.echo(f"      {result.failure}")
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    if failed or not results:
        sys.exit(1)


@cli.command()
@click.pass_obj
def demo(settings: Settings) -> None:
    """デモ用の課・企業等・利用者と、さまざまな段階の案件を作成します。"""
    from engine.demo import DEMO_CASES, DEMO_PASSWORD, run_demo_case, seed_people

    engine = _engine(settings)
    engine.upgrade_schema()
    bundle = Bundle.from_folder(settings.processes_path)
    for result in engine.deploy(bundle, comment="デモ用の初期デプロイ"):
        click.echo(f"{result.process_id}: バージョン {result.version}")
    created = seed_people(engine)
    if not created:
        click.echo("デモデータは既にあります（案件は追加しません）")
        return
    for demo_case in DEMO_CASES:
        case_id = run_demo_case(engine, bundle, demo_case)
        click.echo(f"案件 {case_id}: {demo_case.note}")
    click.echo(f"\nデモ利用者（パスワードはすべて {DEMO_PASSWORD}）:")
    for username, role in created:
        click.echo(f"  {username:<15} {role}")


@cli.group()
def organisations() -> None:
    """企業等の管理"""


@organisations.command("create")
@click.argument("name")
@click.pass_obj
def organisations_create(settings: Settings, name: str) -> None:
    from engine.accounts.identity import create_organisation

    _provision(settings, lambda session: create_organisation(session, name), f"企業等「{name}」を登録しました")


@cli.group()
def departments() -> None:
    """課の管理"""


@departments.command("create")
@click.argument("name")
@click.option("--code", help="プロセスデータで使う課のコード（英数字）。省略すると自動で割り当てます")
@click.option("--coordinator", is_flag=True, help="総合政策課（調整担当の課）として登録します")
@click.pass_obj
def departments_create(settings: Settings, name: str, code: str | None, coordinator: bool) -> None:
    from engine.accounts.identity import create_department

    _provision(settings, lambda session: create_department(session, name, code, coordinator),
               lambda department: f"課「{department.name}」（{department.code}）を登録しました")


@cli.group()
def users() -> None:
    """利用者の管理"""


@users.command("create")
@click.option("--username", required=True)
@click.option("--password", prompt="パスワード", hide_input=True, confirmation_prompt=True,
              help="省略すると入力を求めます（画面に表示されず、シェルの履歴にも残りません）")
@click.option("--role", required=True,
              type=click.Choice(["organisation", "department", "coordinator", "manager", "process_owner", "admin"]))
@click.option("--department", "departments_", multiple=True, help="所属課（名称またはコード、複数可）")
@click.option("--organisation", help="企業等の利用者の団体名")
@click.option("--name", "display_name", help="表示名")
@click.pass_obj
def users_create(settings, username, password, role, departments_, organisation, display_name) -> None:
    from engine.accounts.identity import create_user

    _provision(settings, lambda session: create_user(session, username, password, role, display_name,
                                                     list(departments_), organisation),
               f"利用者「{username}」を登録しました")


@cli.group()
def tokens() -> None:
    """API トークンの管理（スクリプトから JSON API を使うとき）"""


@tokens.command("create")
@click.option("--username", required=True, help="トークンが代理する利用者")
@click.option("--name", required=True, help="用途（例: 月次集計スクリプト）")
@click.pass_obj
def tokens_create(settings: Settings, username: str, name: str) -> None:
    """トークンを発行し、一度だけ表示します（保存されるのはハッシュのみ）。"""
    from engine.accounts.api_tokens import ApiTokens

    try:
        issued = ApiTokens(_engine(settings)).create(username, name)
    except RenkeiError as error:
        click.echo(f"エラー: {error}", err=True)
        sys.exit(1)
    click.echo(f"利用者「{issued.username}」のトークン「{issued.name}」（id {issued.id}）を発行しました。")
    click.echo("この値は再表示できません。安全な場所に保管してください:", err=True)
    click.echo(issued.token)


@tokens.command("revoke")
@click.argument("token_id", type=int)
@click.pass_obj
def tokens_revoke(settings: Settings, token_id: int) -> None:
    """トークンを失効させます。"""
    from engine.accounts.api_tokens import ApiTokens

    try:
        ApiTokens(_engine(settings)).revoke(token_id)
    except RenkeiError as error:
        click.echo(f"エラー: {error}", err=True)
        sys.exit(1)
    click.echo(f"トークン {token_id} を失効させました")


@cli.group()
def agreements() -> None:
    """協定台帳"""


@agreements.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--username", help="登録者として記録する総合政策課の利用者（省略するとシステムとして記録）")
@click.pass_obj
def agreements_import(settings: Settings, file: Path, username: str | None) -> None:
    """システム導入前に締結した包括連携協定を CSV から登録します（既存協定の登録）。

    列は協定台帳の CSV 書き出しと同じです（UTF-8、BOM の有無は問いません）。1行でも誤りがあれば、
    行番号と列を示して何も登録しません。
    """
    from engine.access import SYSTEM
    from engine.agreements.register_csv import AgreementImportError
    from engine.agreements.service import AgreementRegister

    engine = _engine(settings)
    try:
        actor = engine.actor(username) if username else SYSTEM
        created = AgreementRegister(engine).import_csv(actor, file.read_bytes())
    except AgreementImportError as error:
        for line, column, message in error.problems:
            click.echo(f"エラー: {file.name} {line}行目「{column}」: {message}", err=True)
        click.echo("何も登録していません。", err=True)
        sys.exit(1)
    except RenkeiError as error:
        click.echo(f"エラー: {error}", err=True)
        sys.exit(1)
    click.echo(f"{len(created)}件の協定を登録しました（協定ID {', '.join(map(str, created))}）")


def _provision(settings: Settings, action, message) -> None:
    """Creates one organisation, department or user in one transaction, audited like the admin screens."""
    from engine.accounts.administration import audit_provisioned

    engine = _engine(settings)
    try:
        with engine.unit_of_work() as session:
            created = action(session)
            audit_provisioned(session, created, engine.clock())
    except RenkeiError as error:
        click.echo(f"エラー: {error}", err=True)
        sys.exit(1)
    click.echo(message(created) if callable(message) else message)


class WorkerLoop:
    """The loop of ``renkei timers run --loop`` and ``renkei mail send --loop``: it ends only when told to.

    A pass that fails — the database gone or refusing connections, or anything else — is logged in one line
    the first time that kind of failure is seen (not on every retry), and the next pass comes after a back-off
    that doubles from ``FIRST_BACKOFF`` up to ``longest_backoff``; the pool reconnects by itself once the
    database is back, and the recovery is logged in one line too. ``stop`` (set by SIGTERM or SIGINT) is asked
    before each item of a pass, so the item in hand is finished, never cut off.
    """

    FIRST_BACKOFF = 1.0

    def __init__(self, one_pass: Callable[[Callable[[], bool]], object], interval: float, *,
                 stop: threading.Event | None = None, name: str = "worker",
                 report: Callable[[str], object] | None = None, longest_backoff: float = 60.0) -> None:
        self.one_pass, self.interval, self.name = one_pass, interval, name
        self.stop = stop or threading.Event()
        self.report = report
        self.longest_backoff = longest_backoff
        self.passes = 0  # passes that ended normally
        self.failures: dict[str, int] = {}  # failed passes by kind, for the operator and the tests

    def run(self) -> None:
        failing: str | None = None  # the kind of failure the last pass ended in
        since, backoff = 0.0, self.FIRST_BACKOFF
        while not self.stop.is_set():
            try:
                result = self.one_pass(self.stop.is_set)
            except Exception as error:  # noqa: BLE001 - a worker outlives every failure of a pass
                kind = _failure_kind(error)
                self.failures[kind] = self.failures.get(kind, 0) + 1
                if kind != failing:
                    since = since if failing else time.monotonic()
                    log.warning("%s: pass failed (%s), retrying with back-off up to %.0f s: %s", self.name,
                                kind, self.longest_backoff, _first_line(error),
                                exc_info=kind.startswith("error"))
                failing = kind
                self.stop.wait(backoff)
                backoff = min(backoff * 2, self.longest_backoff)
                continue
            if failing:
                log.warning("%s: working again after %.1f s (%s)", self.name, time.monotonic() - since,
                            failing)
                failing, backoff = None, self.FIRST_BACKOFF
            self.passes += 1
            if self.report and result is not None:
                self.report(str(result))
            self.stop.wait(self.interval)

    @contextmanager
    def stopping_on_signals(self) -> Iterator[None]:
        """SIGTERM and SIGINT set ``stop``; a second signal ends the process at once."""
        def told_to_stop(number: int, _frame) -> None:
            if self.stop.is_set():
                raise SystemExit(128 + number)
            log.info("%s: %s received, stopping after the current item", self.name,
                     signal.Signals(number).name)
            self.stop.set()

        previous = {number: signal.signal(number, told_to_stop) for number in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


def _failure_kind(error: Exception) -> str:
    from engine.persistence.database import database_unavailable

    if database_unavailable(error):
        return "database unavailable"
    return f"error {type(error).__name__}"


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


LOOP_HELP = "終了せずに一定間隔で実行し続けます（SIGTERM・SIGINT で、処理中の1件を終えてから終了）"


@cli.group()
def timers() -> None:
    """タイマーの実行"""


@timers.command("run")
@click.option("--loop", is_flag=True, help=LOOP_HELP)
@click.option("--interval", type=float, help="--loop の間隔（秒）")
@click.pass_obj
def timers_run(settings: Settings, loop: bool, interval: float | None) -> None:
    """期限が来たタイマーを一度ずつ実行します。"""
    from engine.cases.timers import TimerWorker

    worker = TimerWorker(_engine(settings))

    def one_pass(stopping: Callable[[], bool]) -> str:
        run = worker.run(stopping)
        failed = f"（失敗 {len(run.failed)} 件は後で再実行します）" if run.failed else ""
        return f"{run.fired} 件のタイマーを実行しました{failed}"

    _passes("timers", one_pass, loop, interval or settings.timer_interval)


def _passes(name: str, one_pass: Callable[[Callable[[], bool]], str], loop: bool, interval: float) -> None:
    """One pass of a worker, printed; with ``--loop`` the worker loop, until SIGTERM or SIGINT."""
    if not loop:
        click.echo(one_pass(lambda: False))
        return
    # Renkei's own lines at INFO (a stop, a recovery); SpiffWorkflow's step-by-step chatter stays out.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("engine").setLevel(logging.INFO)
    worker_loop = WorkerLoop(one_pass, interval, name=name, report=click.echo)
    with worker_loop.stopping_on_signals():
        worker_loop.run()


@cli.group()
def mail() -> None:
    """お知らせメールの送信"""


@mail.command("send")
@click.option("--loop", is_flag=True, help=LOOP_HELP)
@click.option("--interval", type=float, help="--loop の間隔（秒。既定: RENKEI_MAIL_INTERVAL）")
@click.pass_obj
def mail_send(settings: Settings, loop: bool, interval: float | None) -> None:
    """期限・滞留・申出期限のお知らせとまとめメールを作り、送信待ちのメールを SMTP で送ります。"""
    from engine.notifications.mail import MailConfigurationError, Mailer, SmtpSettings, mail_pass
    from engine.notifications.service import Notifications, NotificationSettings

    engine = _engine(settings)
    try:
        smtp = SmtpSettings.from_environment()
        notifications = Notifications(engine, NotificationSettings.from_environment())
        mailer = Mailer(engine, smtp)
        _passes("mail", lambda stopping: mail_pass(notifications, mailer, stopping=stopping), loop,
                interval or smtp.interval)
    except (MailConfigurationError, ValueError) as error:
        click.echo(f"エラー: {error}", err=True)
        sys.exit(1)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
