"""What a run would trip over, found before it reads or writes anything.

`load_contracts` checks the file itself; this checks what the file points at, cheaply and without
reading any data: that a file source's location matches a file (or its landing folder holds one)
no larger than CU_MAX_FILE_BYTES (file_size.py), and that a SQL source's URL parses, names a
dialect whose driver is installed and, for SQLite, a database file that exists (SQLite would
otherwise create an empty one and fail on the query).
`check-config`, the CLI before launching a run, and each source asset before reading call it, so
the same problem gets the same message everywhere.
"""

from collections.abc import Iterable
from pathlib import Path

from customer_unification.lib.sources.contracts import SourceContract, SourcesConfig
from customer_unification.lib.sources.file_size import size_problem


def source_problems(config: SourcesConfig, contract: SourceContract, landed: Iterable[Path] = ()) -> list[str]:
    """Why this source cannot be read as declared (empty when it can)."""
    if contract.format == "sql":
        return _sql_problems(contract.name, config.sql_url(contract))
    located = config.paths(contract, required=False)
    if located or list(landed):
        # the landing zone turned away landed files over the limit already; these are read as they are
        return [f"source '{contract.name}': {problem}" for path in located if (problem := size_problem(path))]
    pattern = contract.location or ""
    where = Path(pattern) if Path(pattern).is_absolute() else config.base_dir / pattern
    return [f"source '{contract.name}': no file matches location '{where}' (and no file waits in its landing folder)"]


def config_problems(config: SourcesConfig, landed: dict[str, list[Path]] | None = None,
                    only: Iterable[str] | None = None) -> list[str]:
    """Every source's problems (or those of the sources named in `only`); `landed`: source -> files
    taken through the landing zone, which a source reads besides its location."""
    wanted = set(only) if only is not None else None
    return [problem for contract in config.sources if wanted is None or contract.name in wanted
            for problem in source_problems(config, contract, (landed or {}).get(contract.name, ()))]


def _sql_problems(name: str, url: str) -> list[str]:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # its message would repeat the URL, password included
        shown = url.split("://", 1)[0] + "://…" if "://" in url else "without '://'"
        return [f"source '{name}', field 'url': not a SQLAlchemy URL ({shown}); expected "
                "dialect[+driver]://user:password@host:port/database"]
    shown = parsed.render_as_string(hide_password=True)
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        return [f"source '{name}', field 'url': unknown database dialect '{parsed.drivername}' in {shown}"]
    try:
        dialect.import_dbapi()
    except ImportError as error:
        return [f"source '{name}', field 'url': the driver for '{parsed.drivername}' is not installed "
                f"({error.name or error}) - {shown}"]
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            return [f"source '{name}', field 'url': {shown} names no database file to read"]
        if not database.startswith("file:") and not Path(database).is_file():
            return [f"source '{name}', field 'url': SQLite database {database} does not exist"]
    return []
