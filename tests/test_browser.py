"""The chat app in headless Chromium: ask, see the highlighted source, examples, results, no XSS.

Uses Debian's chromium (never `playwright install`). A Gradio page keeps a connection
open, so tests wait for elements and text, never for network idle.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _app_server import REPO, shared_server
from playwright.sync_api import Browser, Page, expect, sync_playwright

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
ANSWER_SECONDS = 30_000  # ms; the first question may still be loading the model


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(ANSWER_SECONDS)
    page.goto(shared_server().url)
    page.locator("#qa-question textarea").wait_for()
    yield page
    context.close()


def ask(page: Page, question: str) -> None:
    page.locator("#qa-question textarea").fill(question)
    page.locator("#qa-question textarea").press("Enter")


def test_answer_with_highlighted_source(page: Page) -> None:
    expect(page.locator("#qa-status")).to_contain_text("34 facts")
    ask(page, "Who won the women's omnium?")
    expect(page.locator("#qa-chat")).to_contain_text("Jennifer Valente of the United States")
    mark = page.locator("#qa-sources mark").first
    expect(mark).to_have_text("The women’s omnium went to American Jennifer Valente.")
    expect(page.locator("#qa-sources")).to_contain_text("paris-2024-track-cycling.txt")
    expect(mark).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "answer-with-sources.png"))


def test_example_question_is_asked_on_click(page: Page) -> None:
    page.get_by_role("button", name="Who won the men's Madison?").click()
    expect(page.locator("#qa-chat")).to_contain_text("Rui Oliveira")
    expect(page.locator("#qa-sources mark").filter(has_text="Rui Oliveira")).to_have_count(1)


def test_follow_up_retry_and_clear(page: Page) -> None:
    ask(page, "Who won the women's omnium?")
    expect(page.locator("#qa-chat")).to_contain_text("Jennifer Valente")
    ask(page, "And the men's?")
    expect(page.locator("#qa-chat")).to_contain_text("Benjamin Thomas")
    expect(page.locator("#qa-sources mark").filter(has_text="Benjamin Thomas")).to_have_count(1)

    page.locator("#qa-retry").click()
    expect(page.locator("#qa-chat")).to_contain_text("Benjamin Thomas")
    expect(page.locator("#qa-chat")).to_contain_text("And the men's?")

    # an earlier answer's sources come back by clicking it in the chat, or from the picker
    page.locator("#qa-chat").get_by_text("Jennifer Valente of the United States").click()
    expect(page.locator("#qa-sources .qa-src-q")).to_have_text("Who won the women's omnium?")
    page.locator("#qa-picker input").click()
    page.get_by_role("option", name="2 · And the men's?").click()
    expect(page.locator("#qa-sources mark").filter(has_text="Benjamin Thomas")).to_have_count(1)

    page.locator("#qa-clear").click()
    expect(page.locator("#qa-chat")).not_to_contain_text("Jennifer Valente")
    expect(page.locator("#qa-sources mark")).to_have_count(0)


def test_empty_and_overlong_questions(page: Page) -> None:
    page.locator("#qa-question textarea").fill("   ")
    page.locator("#qa-question textarea").press("Enter")
    page.get_by_role("button", name="Ask", exact=True).click()
    ask(page, "Who won the women's omnium? " * 60)
    expect(page.locator("#qa-chat .qa-abstain")).to_contain_text(
        "please keep it under 1,000 characters"
    )
    expect(page.locator("#qa-chat")).not_to_contain_text("Jennifer Valente")
    assert page.locator("#qa-picker input").input_value().startswith("1 · ")  # one turn only


def test_results_tab_shows_table_chart_and_evidence(page: Page) -> None:
    page.get_by_role("tab", name="Results").click()
    table = page.locator("#qa-results-table")
    expect(table.get_by_text("Road race (road)", exact=True)).to_be_visible()
    expect(table.get_by_text("Jennifer Valente", exact=True).first).to_be_visible()
    chart = page.locator("#qa-medal-chart")
    expect(chart.locator("canvas, svg").first).to_be_visible()
    expect(chart).to_contain_text("Netherlands")

    table.get_by_text("Madison", exact=True).first.click()
    evidence = page.locator("#qa-evidence")
    expect(evidence.locator("mark").filter(has_text="one better in the Madison")).to_have_count(1)
    expect(evidence).to_contain_text("paris-2024-track-cycling.txt")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results.png"))


@pytest.mark.parametrize(
    "payload",
    [
        "<img src=x onerror=window.__xss=1> Who won the men's keirin?",
        "<script>window.__xss=1</script> **bold** [link](javascript:window.__xss=1)",
    ],
)
def test_markup_in_a_question_is_shown_not_run(page: Page, payload: str) -> None:
    ask(page, payload)
    chat = page.locator("#qa-chat")
    expect(page.locator("#qa-sources .qa-src-q")).to_be_visible()  # the answer has arrived
    expect(chat).to_contain_text(payload.split(">")[0] + ">")  # the markup shows as text
    expect(chat.locator("a").filter(has_text="link")).to_have_count(0)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert chat.locator("img[src='x']").count() == 0
    assert chat.locator("script").count() == 0
    assert chat.locator("strong").filter(has_text="bold").count() == 0
