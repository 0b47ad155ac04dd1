"""The web studio: personae in a browser, served by ``personae serve`` at ``/``.

Shape, and why
--------------
The studio is a third shell beside the CLI and the JSON API, and like them it owns no use
case. Its pages are **server-rendered Jinja2 shells** (layout, navigation, labelled forms,
landmarks, phone-width CSS) with one small hand-written ES module per page that calls the
API the page is about (``/api/...``) from the same origin. So every action in the studio
is exactly the service call ``curl`` or the CLI would make, with the same validation,
ownership checks, rate limits and error envelope; nothing is implemented twice.

Why not a single-page app with a build step: the issue forbids Node.js at run time and in
``make demo``, and a committed JS build would be a second toolchain to pin, audit and
rebuild for a dozen forms and a few charts. Why not render the data on the server: the
API's credentials are bearer tokens (not cookies), so the pages stay public shells and
hold no user data; the browser keeps the token pair in ``sessionStorage`` (per tab, gone
when the tab closes) and refreshes it through ``/api/auth/refresh`` (see
``static/js/api.js``).

Quick on a cold load: each page's first API reads start before its modules have loaded.
The one inline script, ``static/js/boot.js`` (allowed by its sha256 in the CSP), fetches
the GETs the address already determines (the list comes from
:func:`personae.web._pages.prefetch`), and ``api.js`` takes those answers instead of
asking again; Chart.js loads ``async`` and the charts are drawn after the figures in
words.

Quick when moving between pages: a cold load costs the browser about 100 ms before any
data is used (the sign-in page, which needs none, takes that long), far more than the API
calls a page makes. So after the first page, ``static/js/studio.js`` moves between pages
in place: a click on a link to a studio page fetches that page's shell (kept for the life
of the document; shells hold no user data, and those of the page's links are asked for
when the browser is idle), starts the reads its ``data-prefetch`` names, keeps the
current page until they answer, then swaps ``<body>`` and calls the page module's
``start()``. Each page module is one ``start()`` (run afresh on every visit, so no state
of an earlier visit survives); a page that is left gets a ``Left`` error from its next
``api()`` call (dropped silently) and its ``onLeave`` hooks close its chat socket or draft
stream. Back, Forward and links to anything that is not a studio page (the API, ``/docs``,
sign-in) load as before.

Quicker still, on intent: a person's pointer rests on a link a few hundred milliseconds
before the click, and a button or finger is down some 80-90 ms before it comes up. On
either sign (a 65 ms rest, a keyboard focus resting on a link, a press) the router asks
for the next page's first reads, and for those that follow from them (a page module's
``readsAfter``: the A/B page's variants need the chosen persona, known from the personas
list). The page takes those answers instead of asking again, but only once, within 10 s,
and only if nothing was written since (``api.js``: ``askAhead``, ``wrote``); a refused one
is asked again. Answers taken early are read whole as they come, so a page put in place
parses them without waiting for a task. ``benchmarks/web_bench.py`` measures cold loads
and moves in place, clicked at once and as a person clicks.

Offline: nothing is fetched from another host. Charts are drawn by Chart.js and
``/docs`` by Swagger UI, both vendored under ``static/vendor/`` with their version,
source, sha256 and licence recorded in ``static/vendor/VENDORED.md``. Pages send a
Content-Security-Policy that allows scripts, styles and connections from the same origin
only.

What the API lacked, the studio adds as thin JSON routes over existing services
(:mod:`personae.web._api`, under ``/api/studio``): the measured voice in chart-ready form
(``StyleProfile.describe`` and function-word rates) with the owner's other personas for
comparison, an engagement *file* import (``parse_engagement_file`` +
``StrategyService.import_engagement``, as ``personae engagement import`` does), the
2-D map of the owner's voices, and (:mod:`personae.web._content_api`) the time
scheduling a piece would pick, shown before the person schedules it.

Modules
-------
``_pages``
    The HTML routes (one shell per page) and the Content-Security-Policy they send.
``_api``, ``_content_api``
    The studio's thin JSON routes.
``_mount``
    :func:`install_studio`: adds both routers, the static files, the offline ``/docs``
    and gzip to an app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["install_studio"]


def install_studio(app: FastAPI) -> None:
    """Serve the studio at ``/`` beside the API (see :func:`personae.web._mount.install_studio`).

    Imported on call: the studio's modules import the API's (its dependencies and
    envelope), and ``personae.api.main`` imports this package, so importing the studio's
    modules here would make ``import personae.web`` circular.
    """
    from personae.web._mount import install_studio as install

    install(app)
