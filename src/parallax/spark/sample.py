"""CC-NEWS-like WARC input from the demo corpus plus generated filler, for tests and benchmarks.

The demo texts are wrapped as simple HTML pages (<title>, one <p> per paragraph)
under their outlets' real domains; filler pages are short news items on
unrelated topics (sport, weather, markets, science, local politics), varied by
seed so they do not collapse into one story. `skip_pages` are the records a
crawl also holds and the job must skip: an HTTP 404 and a non-HTML response.
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Where each demo article "was crawled" (002's outlet is unknown, so an unknown domain).
DEMO_URLS = {
    "000": "https://www.theepochtimes.com/us/blinken-spy-balloon-global-campaign-5043215.html",
    "001": "https://www.theepochtimes.com/us/us-sharing-info-about-spy-balloon-5042991.html",
    "002": "https://news-digest.example.net/2023/02/blinken-no-apology-wang-yi",
    "003": "https://www.nbcnews.com/politics/national-security/china-no-apology-balloon-rcna71345",
    "004": "https://www.wsws.org/en/articles/2023/02/20/pers-f20.html",
}
# Real pages carry og:site_name and article:published_time; without them the HTML
# extractor guesses (a 2021 photo caption became 001's date, a paragraph 002's site name).
# Dates are the days the reported events happened (Feb 8 briefing, Feb 18 Munich meeting
# reported on Feb 19); 004's is the dateline of the corpus text.
DEMO_DATES = {"000": "2023-02-08", "001": "2023-02-08", "002": "2023-02-19",
              "003": "2023-02-19", "004": "2023-02-19"}  # fmt: skip
DEMO_SITES = {"000": "The Epoch Times", "001": "The Epoch Times", "002": "News Digest",
              "003": "NBC News", "004": "World Socialist Web Site"}  # fmt: skip


def page_html(
    title: str, paragraphs: list[str], published: str | None = None, site: str | None = None
) -> str:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    if site:
        meta += f'<meta property="og:site_name" content="{html.escape(site)}">'
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p.strip())
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"{meta}</head><body><article><h1>{html.escape(title)}</h1>\n{body}\n</article></body></html>"
    )


def demo_pages(corpus: str | Path, variant: int = 0) -> list[dict[str, Any]]:
    """The five demo articles as HTML pages. `variant` > 0 changes the text slightly
    (a sentence appended, a new URL) so replicated copies get new content ids."""
    pages = []
    for path in sorted(Path(corpus).glob("*.txt")):
        key = path.name[:3]
        lines = path.read_text("utf-8").split("\n\n")
        title, paragraphs = lines[0].strip(), [p.strip() for p in lines[1:]]
        url = DEMO_URLS.get(key, f"https://unknown.example.org/{path.stem}")
        if variant:
            url = f"{url}?copy={variant}"
            # second paragraph, not the end: cleanup cuts footers (WSWS) and what follows them
            note = f"This report was updated ({variant}) with minor edits."
            paragraphs = [*paragraphs[:1], note, *paragraphs[1:]]
        pages.append(
            {
                "url": url,
                "html": page_html(title, paragraphs, DEMO_DATES.get(key), DEMO_SITES.get(key)),
                "key": key,
            }
        )
    return pages


_TOPICS: dict[str, dict[str, list[str]]] = {
    "football": {
        "who": ["Arsenal", "Real Madrid", "Bayern Munich", "Celtic", "Ajax", "Porto", "Napoli"],
        "lines": [
            "{who} beat their rivals {n}-{m} on Sunday in front of {k},000 fans.",
            "The manager praised the midfield after a second-half comeback at {place}.",
            "The striker scored twice and now leads the league with {n2} goals this season.",
            "Supporters celebrated in the streets of {place} long after the final whistle.",
            "The club confirmed that the injured defender will miss the next {n} matches.",
        ],
    },
    "weather": {
        "who": [
            "the National Weather Service",
            "Met Office forecasters",
            "the state climatologist",
        ],
        "lines": [
            "Heavy snow is expected across {place} this weekend, {who} warned on Thursday.",
            "Up to {n2} centimetres could fall in the hills, closing mountain roads.",
            "Schools in {place} announced closures and power crews were put on standby.",
            "Temperatures will drop to minus {n} degrees overnight before a thaw next week.",
            "Residents were urged to check on elderly neighbours and keep pets indoors.",
        ],
    },
    "markets": {
        "who": ["Siemens", "Toyota", "Nestle", "Unilever", "Samsung", "Shell", "Pfizer"],
        "lines": [
            "Shares of {who} rose {n}.{m} percent after quarterly earnings beat forecasts.",
            "The company said revenue grew to {n2} billion dollars on strong demand in {place}.",
            "Analysts raised their price targets, citing lower input costs and a weaker dollar.",
            "The chief executive told investors the firm would buy back more stock this year.",
            "Bond yields were little changed as traders awaited inflation data on Friday.",
        ],
    },
    "science": {
        "who": ["researchers at ETH Zurich", "a team at Kyoto University", "NASA scientists"],
        "lines": [
            "A new study by {who} found that coral reefs near {place} recover faster than expected.",
            "The team surveyed {n2} sites over {n} years using underwater drones.",
            "Water temperature and fishing pressure explained most of the difference, they said.",
            "The findings were published in the journal Nature on Wednesday.",
            "Other marine biologists called the results encouraging but asked for more data.",
        ],
    },
    "council": {
        "who": ["Mayor Linda Park", "Councillor James Otieno", "Mayor Rosa Delgado"],
        "lines": [
            "The city council of {place} approved a new bus lane plan on Tuesday evening.",
            "{who} said the project would cut commuting times by {n2} percent.",
            "Local shop owners worried about losing parking spaces during construction.",
            "The plan will cost {n} million dollars and take two years to complete.",
            "A public hearing on the route is scheduled for next month at the library.",
        ],
    },
}
# Each topic has its own places, so filler on different topics shares no entities.
_PLACES = {
    "football": ["Leeds", "Glasgow", "Lisbon"],
    "weather": ["Denver", "Halifax", "Tampere"],
    "markets": ["Brazil", "Vietnam", "Poland"],
    "science": ["Fiji", "Belize", "Oman"],
    "council": ["Cordoba", "Osaka", "Bergen"],
}
_OUTLETS = {"https://www.reuters.com": "Reuters", "https://apnews.com": "AP News",
            "https://www.bbc.co.uk": "BBC News", "https://local.example.com": "Local Example"}  # fmt: skip


def filler_pages(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """`n` short unrelated news pages, deterministic for a seed, dated early 2023."""
    rng = random.Random(seed)
    topics = sorted(_TOPICS)
    for i in range(n):
        topic = topics[i % len(topics)]
        spec = _TOPICS[topic]
        fill = {
            "who": rng.choice(spec["who"]),
            "place": rng.choice(_PLACES[topic]),
            "n": rng.randint(2, 9),
            "m": rng.randint(0, 9),
            "k": rng.randint(20, 80),
            "n2": rng.randint(10, 400),
        }
        lines = [line.format(**fill) for line in spec["lines"]]
        rng.shuffle(lines[1:])
        title = lines[0].split(",")[0].rstrip(".")
        day = 1 + (i * 7 + seed) % 28
        paragraphs = [
            " ".join(lines[:3]),
            " ".join(lines[3:]),
            f"Reporting by staff, item {seed}-{i}.",
        ]
        site = rng.choice(sorted(_OUTLETS))
        url = f"{site}/{topic}/2023/02/{day:02d}/story-{seed}-{i}"
        page = page_html(title, paragraphs, f"2023-02-{day:02d}", _OUTLETS[site])
        yield {"url": url, "html": page, "key": f"filler-{topic}"}


def skip_pages() -> list[dict[str, Any]]:
    """Records a crawl holds that are not articles: a 404 page and a PDF response."""
    return [
        {"url": "https://www.nbcnews.com/missing-page", "status": 404,
         "html": page_html("Page not found", ["Sorry, this page does not exist any more."])},
        {"url": "https://www.wsws.org/en/special/pdf/report.pdf", "content_type": "application/pdf",
         "html": "%PDF-1.4 binary-ish content that is not a web page"},
    ]  # fmt: skip
