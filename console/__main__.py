"""Command line: python -m console {serve,create-user,delete-user,list-users,export-corrections,purge}."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from console import auth, db, index, queries, retention
from settings import ConsoleSettings, SettingsError


def _engine(settings: ConsoleSettings):
    engine = db.make_engine(settings.database_url)
    db.init_db(engine)
    return engine


def _password(name: str, settings: ConsoleSettings) -> str:
    if settings.password:
        return settings.password.get_secret_value()
    if not sys.stdin.isatty():
        raise auth.UserError("パスワードは端末で入力するか、環境変数 CONSOLE_PASSWORD で渡してください")
    first = getpass.getpass(f"{name} のパスワード（{auth.MIN_PASSWORD_LENGTH}文字以上）: ")
    if first != getpass.getpass("もう一度: "):
        raise auth.UserError("パスワードが一致しません")
    return first


def cmd_serve(args, settings: ConsoleSettings) -> int:
    import uvicorn

    from console.app import create_app

    host = args.host or settings.host
    port = args.port or settings.port
    app = create_app(settings)
    print(f"Staff console: http://{host}:{port}/", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, proxy_headers=True)
    return 0


def cmd_create_user(args, settings: ConsoleSettings) -> int:
    engine = _engine(settings)
    name = auth.validate_username(args.name)
    result = auth.create_user(engine, name, _password(name, settings), update=args.update)
    print(f"{'作成しました' if result == 'created' else 'パスワードを変更しました'}: {name}")
    return 0


def cmd_delete_user(args, settings: ConsoleSettings) -> int:
    if not auth.delete_user(_engine(settings), args.name):
        print(f"ユーザー {args.name} はいません", file=sys.stderr)
        return 1
    print(f"削除しました: {args.name}")
    return 0


def cmd_list_users(args, settings: ConsoleSettings) -> int:
    for row in auth.list_users(_engine(settings)):
        last = queries.format_ts(row.last_login_at, settings.tz) or "-"
        print(f"{row.username}\t作成 {queries.format_ts(row.created_at, settings.tz)}\t最終ログイン {last}")
    return 0


def cmd_export_corrections(args, settings: ConsoleSettings) -> int:
    out = Path(args.out)
    engine = _engine(settings)
    with engine.connect() as conn:
        text = queries.corrections_yaml(conn)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    count = sum(1 for line in text.splitlines() if line.startswith("    - "))
    print(f"{count} 件の例文を {out} に書き出しました（data/ には追加していません）")
    return 0


def cmd_purge(args, settings: ConsoleSettings) -> int:
    days = args.older_than_days or settings.retention_days
    if not days:
        print("--older-than-days N か環境変数 CONSOLE_RETENTION_DAYS を指定してください", file=sys.stderr)
        return 2
    engine = _engine(settings)
    counts = retention.purge(engine, days, dry_run=args.dry_run)
    if not args.dry_run:
        index.sync(engine, settings.tz)
    verb = "削除対象" if args.dry_run else "削除しました"
    print(f"{days}日より前の会話 {counts['conversations']} 件（イベント {counts['events']} 件）を{verb}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description="Staff console")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the web console (CONSOLE_PORT, default 8081)")
    p.add_argument("--host", help="interface (default CONSOLE_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default CONSOLE_PORT or 8081)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("create-user", help="create a staff account (password asked, or CONSOLE_PASSWORD)")
    p.add_argument("name")
    p.add_argument("--update", action="store_true", help="set a new password for an existing account")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("delete-user", help="delete a staff account")
    p.add_argument("name")
    p.set_defaults(func=cmd_delete_user)

    p = sub.add_parser("list-users", help="list staff accounts")
    p.set_defaults(func=cmd_list_users)

    p = sub.add_parser("export-corrections", help="write corrected intents as Rasa NLU YAML")
    p.add_argument("out", help="output file, e.g. results/console_corrections.yml")
    p.set_defaults(func=cmd_export_corrections)

    p = sub.add_parser("purge", help="delete conversations older than N days (Rasa events and console rows)")
    p.add_argument("--older-than-days", type=int, help="default: CONSOLE_RETENTION_DAYS")
    p.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    p.set_defaults(func=cmd_purge)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command != "serve":
        logging.getLogger("settings").setLevel(logging.ERROR)
    try:
        settings = ConsoleSettings.from_env()
        return args.func(args, settings)
    except (SettingsError, auth.UserError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
