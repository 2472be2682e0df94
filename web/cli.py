"""The ``renkei`` command: the engine's commands plus ``serve`` (the web application)."""

from __future__ import annotations

import multiprocessing

import click

from engine.cli import cli


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn のワーカー数（既定: CPU数×2+1）")
@click.option("--threads", default=4, show_default=True, type=int, help="ワーカーごとのスレッド数")
@click.option("--debug", is_flag=True, help="Flask の開発用サーバーで起動します（本番では使わないこと）")
def serve(host: str, port: int, workers: int | None, threads: int, debug: bool) -> None:
    """Web アプリケーションを起動します（本番用 WSGI サーバー gunicorn）。"""
    from web import create_app

    if debug:
        create_app().run(host=host, port=port, debug=True)
        return
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or multiprocessing.cpu_count() * 2 + 1)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")

        def load(self):
            return create_app()

    click.echo(f"Renkei を http://{host}:{port}/ で起動します")
    Server().run()


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
