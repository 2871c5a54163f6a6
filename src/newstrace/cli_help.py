"""The command line's help that is prose, not flags: exit codes and an example of every flag, per command
(shown under each ``newstrace COMMAND --help``; the README's table says the same)."""

from __future__ import annotations

EXIT_CODES = """exit codes:
  0    success
  1    some inputs could not be read or analysed (analyze, ingest: each named on stderr, the rest
       done), or problems found (check)
  2    bad usage (an unknown flag, a bad value such as --since 15/03), or the store cannot be used
       (missing, damaged, another writer at work, a newer schema): one line saying what to do
  130  interrupted (Ctrl-C)
"""

LOGGING = """every command takes -q/--quiet (errors only: no progress, no summary) and -v/--verbose
(-v: what it is doing, -vv: debugging detail); '-' as a PATH reads standard input.
"""

EXAMPLES: dict[str, str] = {
    "analyze": """examples:
  newstrace analyze story.html                      # the terminal view of one page
  newstrace analyze pages/ --output jsonl > out.jsonl   # folders are read recursively
  newstrace analyze 'crawl/*.warc.gz' --json        # --json is --output jsonl
  curl -s https://example.org/story | newstrace analyze -   # '-': standard input
  newstrace analyze story.txt --output md > story.md    # the anatomy as Markdown
  newstrace analyze story.html --output csv         # one row per layer or quote
  newstrace analyze records.jsonl --format jsonl    # force a reader instead of sniffing
  newstrace analyze pages/ --no-nlp                 # anatomy and credits only (fast)
  newstrace analyze pages/ --workers 2              # two worker processes
""",
    "ingest": """examples:
  newstrace ingest pages/ --db news.db              # idempotent: run it again after a crash
  newstrace ingest crawl.warc.gz --format warc      # force a reader
  zcat records.jsonl.gz | newstrace ingest - --db news.db   # '-': standard input
  newstrace ingest pages/ --workers 2 --no-nlp      # fast bulk load, no quotes or entities
  newstrace ingest pages/ --no-stories              # stories later: newstrace stories
  newstrace ingest pages/ --progress 2> ingest.log  # a progress bar into a file
  newstrace ingest pages/ --db postgresql://me@localhost/news
  newstrace ingest crawl/ --dask --workers 2         # on a Dask LocalCluster of 2 processes
  newstrace ingest crawl/ --dask tcp://sched:8786 --db postgresql://me@db/news   # on a cluster
""",
    "search": """examples:
  newstrace search 'harbour plan' --db news.db
  newstrace search vote --speaker 'Jane Doe'          # quotes by this speaker
  newstrace search vote --outlet Reuters            # pages or body sections of this outlet
  newstrace search withdrawal --since 2016-03       # YYYY-MM-DD, YYYY-MM or YYYY
  newstrace search withdrawal --limit 5 --json      # one hit per line, as JSON
""",
    "errors": """examples:
  newstrace errors --db news.db                     # SOURCE: REASON, one per line
  newstrace errors --json                           # {"source", "reason", ...} per line
""",
    "provenance": """examples:
  newstrace provenance story.html --db news.db      # copied passages and where they came from
  newstrace provenance story.html --json            # the same as one JSON object
""",
    "check": """examples:
  newstrace check --db news.db                      # full integrity check
  newstrace check --quick                           # SQLite's quick_check (large stores)
  newstrace check --json                            # {"db", "ok", "problems"}
""",
    "export": """examples:
  newstrace export --db news.db --table quotes --out quotes.parquet
  newstrace export --format csv --table layers > layers.csv
  newstrace export --format jsonl --table documents | jq .title
  newstrace export --table passages --out copies.parquet   # copied passages with both offsets
  newstrace export --table stories --format csv     # one row per story page
then: pandas.read_parquet("quotes.parquet")
""",
    "stories": """examples:
  newstrace stories --db news.db                    # bring stories up to date, then list them
  newstrace stories --json                          # one story per line
  newstrace stories --limit 10 --brief              # the 10 most recent, pages and outlets only
  newstrace stories --rebuild                       # cluster every page again
""",
    "serve": """examples:
  newstrace serve --db news.db                      # http://127.0.0.1:8000/
  newstrace serve --port 0                          # any free port (printed)
  newstrace serve --host 0.0.0.0 --token-file token.txt   # reachable by others; ingest enabled
  newstrace serve --max-ingest-mb 32                # larger ingest bodies
  newstrace serve --idle-timeout 30 --max-requests 64
""",
}


def epilog(command: str) -> str:
    """The text under ``newstrace COMMAND --help``: its examples, then the exit codes."""
    return EXAMPLES.get(command, "") + "\n" + EXIT_CODES
