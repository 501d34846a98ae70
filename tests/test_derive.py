"""Facts derived at build time: each sentence shape, exact evidence spans, what is not a
medal, corroboration and contradiction, `qa facts`, and the structured path using them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from qa import cli
from qa.answering import _from_structured, _understand
from qa.corpus.derive import derive_facts
from qa.corpus.documents import load_documents
from qa.corpus.facts import load_facts
from qa.corpus.lexicon import load_lexicon
from qa.corpus.merge import _agrees, _key, merge_facts
from qa.knowledge import knowledge_from_corpus
from qa.types import Document, Fact

REPO = Path(__file__).resolve().parents[1]
PODIUMS = REPO / "tests" / "questions" / "documents" / "track-podiums.txt"


@pytest.fixture(scope="module")
def lexicon():  # type: ignore[no-untyped-def]
    return load_lexicon(REPO / "corpus")


def derive(text: str, lexicon) -> list[Fact]:  # type: ignore[no-untyped-def]
    doc = Document("report.txt", text)
    facts = derive_facts([doc], lexicon)
    for f in facts:  # every fact quotes its sentence and cites its exact span
        for c in f.citations:
            assert doc.text[c.start : c.end] == c.text
            assert c.text in f.evidence
    return facts


def results(facts: list[Fact]) -> set[tuple[str, str, str, str, tuple[str, ...]]]:
    return {
        (
            str(f.fields["event"]),
            str(f.fields["gender"]),
            str(f.fields["medal"]),
            str(f.fields.get("country", "")),
            tuple(f.fields.get("riders") or ()),
        )
        for f in facts
        if f.kind == "result"
    }


def tallies(facts: list[Fact]) -> set[tuple[object, object, object]]:
    return {
        (f.fields["subject"], f.fields["medal"], f.fields["count"])
        for f in facts
        if f.kind == "tally"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Anna Berg of Norway won the women's keirin gold ahead of Lea Hoffmann of Germany "
            "and Canada's Sophie Tremblay.",
            {
                ("keirin", "women", "gold", "Norway", ("Anna Berg",)),
                ("keirin", "women", "silver", "Germany", ("Lea Hoffmann",)),
                ("keirin", "women", "bronze", "Canada", ("Sophie Tremblay",)),
            },
        ),
        (
            "Tom Vance of Ireland also won the men's omnium, with the Colombian Andrés Quintero "
            "second and Kenji Moriyama of Japan third.",
            {
                ("omnium", "men", "gold", "Ireland", ("Tom Vance",)),
                ("omnium", "men", "silver", "Colombia", ("Andrés Quintero",)),
                ("omnium", "men", "bronze", "Japan", ("Kenji Moriyama",)),
            },
        ),
        (
            "In the men's team sprint, the Danish trio of Mikkel Holm, Rasmus Lund and Jens Berg "
            "won gold ahead of Spain and Poland.",
            {
                (
                    "team sprint",
                    "men",
                    "gold",
                    "Denmark",
                    ("Mikkel Holm", "Rasmus Lund", "Jens Berg"),
                ),
                ("team sprint", "men", "silver", "Spain", ()),
                ("team sprint", "men", "bronze", "Poland", ()),
            },
        ),
        (
            "The women's omnium went to Jennifer Valente of the United States; the Japanese rider "
            "Yuka Tanabe took silver behind her and Ellie Marsh of Britain took bronze.",
            {
                ("omnium", "women", "gold", "United States", ("Jennifer Valente",)),
                ("omnium", "women", "silver", "Japan", ("Yuka Tanabe",)),
                ("omnium", "women", "bronze", "Great Britain", ("Ellie Marsh",)),
            },
        ),
    ],
)
def test_sentence_shapes(lexicon, text: str, expected: set) -> None:  # type: ignore[no-untyped-def]
    assert results(derive(text, lexicon)) == expected


def test_riders_listed_with_one_nation_race_as_a_pair(lexicon) -> None:  # type: ignore[no-untyped-def]
    """In a race for pairs, a nation written once beside a list of riders is all of theirs;
    in a race for one, a list "in that order" stays riders of their own."""
    got = results(
        derive(
            "Spain's Marta Ruiz and Elena Sanz won the women's madison, ahead of Ida Berg and "
            "Siri Dahl of Norway, with the Danes Mette Holm and Lise Krog third.",
            lexicon,
        )
    )
    assert got == {
        ("madison", "women", "gold", "Spain", ("Marta Ruiz", "Elena Sanz")),
        ("madison", "women", "silver", "Norway", ("Ida Berg", "Siri Dahl")),
        ("madison", "women", "bronze", "Denmark", ("Mette Holm", "Lise Krog")),
    }
    facts = derive(
        "Kai Lund of Norway won the men's keirin, and the minor medals went to Omar Haddad and "
        "Piet Smit of the Netherlands, in that order.",
        lexicon,
    )
    nations = {f.fields["rider"]: f.fields["country"] for f in facts if f.kind == "nationality"}
    assert "Omar Haddad" not in nations  # the nation after the list is the last rider's
    assert ("keirin", "men", "bronze", "Netherlands", ("Piet Smit",)) in results(facts)


def test_placings_said_in_few_words(lexicon) -> None:  # type: ignore[no-untyped-def]
    """A verb said once for two medals, a podium read in order, "behind her came", a
    defended title, a win by crossing the line first, medals shared "in second and third",
    and "the bronze medals were claimed by" (a placing, not a career's count)."""
    text = (
        "Lena Vogt of Austria retained her omnium title; silver was taken by Poland's Ewa Nowak "
        "and bronze by Chile's Rosa Pino.\n\n"
        "The men's team pursuit podium read Japan, Canada and Mexico, in that order.\n\n"
        "Vogt also crossed the line first in the women's scratch race. Behind her came Ana Gil "
        "of Peru.\n\n"
        "In the women's team sprint, Korea beat China in the final, and the bronze medals were "
        "claimed by the Thais.\n\n"
        "Ivan Petrov of Bulgaria won the men's elimination race, and Serbia's Luka Maric and "
        "Greek rider Nikos Pappas joined him on the podium in second and third."
    )
    got = results(derive(text, lexicon))
    assert {
        ("omnium", "women", "gold", "Austria", ("Lena Vogt",)),
        ("omnium", "women", "silver", "Poland", ("Ewa Nowak",)),
        ("omnium", "women", "bronze", "Chile", ("Rosa Pino",)),
        ("team pursuit", "men", "gold", "Japan", ()),
        ("team pursuit", "men", "silver", "Canada", ()),
        ("team pursuit", "men", "bronze", "Mexico", ()),
        ("scratch race", "women", "gold", "Austria", ("Lena Vogt",)),
        ("scratch race", "women", "silver", "Peru", ("Ana Gil",)),
        ("team sprint", "women", "bronze", "Thailand", ()),
        ("elimination race", "men", "silver", "Serbia", ("Luka Maric",)),
        ("elimination race", "men", "bronze", "Greece", ("Nikos Pappas",)),
    } <= got


def test_an_event_named_without_its_gender_takes_its_riders(lexicon) -> None:  # type: ignore[no-untyped-def]
    """ "In the keirin, A edged B, with C third": B raced the men's sprint before, so the
    keirin is the men's; and the head-to-head with a third in one sentence is the podium.
    "Behind Thomas" points to Thomas's placing: unsaid, it places nobody."""
    text = (
        "Jan Kral of Czechia beat Australia's Tom Reid in the men's sprint final.\n\n"
        "In the keirin, Kral edged Reid again, with Canada's Ben Cole third.\n\n"
        "Max Thomas and Zoe Lane won the men's and women's points race titles. Behind Thomas, "
        "Portugal's Rui Sa took silver."
    )
    got = results(derive(text, lexicon))
    assert ("keirin", "men", "silver", "Australia", ("Tom Reid",)) in got
    assert ("keirin", "men", "bronze", "Canada", ("Ben Cole",)) in got
    assert not any(r[4] == ("Rui Sa",) for r in got)


def test_a_country_code_is_written_in_capitals(lexicon) -> None:  # type: ignore[no-untyped-def]
    """ "SAM" names Samoa; "Sam Welsford" does not."""
    got = results(
        derive(
            "Australia's men's team pursuit quartet of Oliver Bleddyn, Sam Welsford, Conor Leahy "
            "and Kelland O'Brien defeated Britain in the gold medal final.",
            lexicon,
        )
    )
    riders = ("Oliver Bleddyn", "Sam Welsford", "Conor Leahy", "Kelland O'Brien")
    assert ("team pursuit", "men", "gold", "Australia", riders) in got
    assert not any(r[3] == "Samoa" for r in got)


def test_what_is_no_placing_in_an_event(lexicon) -> None:  # type: ignore[no-untyped-def]
    """A rider's own sprint, a counted title, a relegation, another clause's subject and a
    part of an event place nobody."""
    text = (
        "Muhammad Aiman Zulkifli (MAS) won the men's keirin. He launched his sprint with a lap "
        "to go and held off Kento Yamasaki of Japan, while Kazakhstan's Daniyar Bekov took the "
        "bronze. Korea's Park Min-jae had crossed the line in second place but was relegated.\n\n"
        "In the women's sprint, Liu Qianyi of China claimed her third Asian sprint title, "
        "beating Hina Morimoto (JPN) in the final.\n\n"
        "The men's team sprint was won by Japan. China took the silver, and the hosts rounded "
        "out the podium by beating Korea in the bronze-medal ride.\n\n"
        "Uzbekistan's Timur Rakhimov won the men's omnium after a decisive points race, with "
        "Shota Ishikawa (JPN) second."
    )
    got = results(derive(text, lexicon))
    assert ("keirin", "men", "bronze", "Kazakhstan", ("Daniyar Bekov",)) in got
    assert not any(r[4] == ("Park Min-jae",) for r in got)  # relegated
    assert ("sprint", "women", "gold", "China", ("Liu Qianyi",)) in got
    assert not any(r[4] == ("Liu Qianyi",) and r[2] == "bronze" for r in got)  # her third title
    assert ("team sprint", "men", "silver", "China", ()) in got
    assert ("team sprint", "men", "bronze", "China", ()) not in got  # the hosts beat Korea
    assert ("omnium", "men", "silver", "Japan", ("Shota Ishikawa",)) in got
    assert not any(r[0] == "points race" for r in got)


def test_a_gendered_event_after_a_possessive_and_a_distance_in_figures(lexicon) -> None:  # type: ignore[no-untyped-def]
    got = results(
        derive(
            "Mereana Tawhiri of New Zealand retained her women's sprint title, beating "
            "Australia's Jess Corrigan in the final. Thomas Haig of Australia won the men's 1km "
            "time trial. Peter Kila of Papua New Guinea took the bronze.",
            lexicon,
        )
    )
    assert ("sprint", "women", "gold", "New Zealand", ("Mereana Tawhiri",)) in got
    assert ("kilometre time trial", "men", "gold", "Australia", ("Thomas Haig",)) in got
    assert ("kilometre time trial", "men", "bronze", "Papua New Guinea", ("Peter Kila",)) in got


def test_a_tally_of_each_colour_and_a_demonym_as_subject(lexicon) -> None:  # type: ignore[no-untyped-def]
    facts = derive(
        "Over five days, the Japanese collected three gold, five silver and two bronze medals. "
        "The Koreans made amends in the women's team pursuit, beating Japan in the final.",
        lexicon,
    )
    assert tallies(facts) == {("Japan", "gold", 3), ("Japan", "silver", 5), ("Japan", "bronze", 2)}
    assert ("team pursuit", "women", "gold", "South Korea", ()) in results(facts)
    facts = derive(
        "Canada finished with a single title. Valeria Ortega was the rider of the week. "
        "The Mexican won the women's sprint on Thursday.",
        lexicon,
    )
    assert tallies(facts) == {("Canada", "gold", 1)}  # a title is a gold
    facts = derive(
        "Australia finished with 17 medals, nine of them gold, while New Zealand won 11 medals, "
        "including four golds.",
        lexicon,
    )
    assert tallies(facts) == {
        ("Australia", "gold", 9),
        ("New Zealand", "gold", 4),
        ("Australia", "all", 17),  # "17 medals": every colour counted
        ("New Zealand", "all", 11),
    }
    assert not any(
        r[3] == "Mexico" and not r[4] for r in results(facts)
    )  # "the Mexican" is a rider


def test_the_paragraph_carries_the_event_and_the_podium_phrases(lexicon) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The women's team sprint opened the programme, and the Spanish trio won it.\n\n"
        "In the men's team pursuit, Australia won gold. New Zealand took silver in that event. "
        "Completing the podium was Italy, whose quartet beat Denmark in the race for bronze.\n\n"
        "In the women's sprint, Mia Falk of Austria beat the Belgian rider Eva Claes, so Claes "
        "took silver behind her. Third place in that event belonged to Zoe Marin, the French "
        "sprinter, who won the bronze ride-off against Canada's Sophie Tremblay."
    )
    got = results(derive(text, lexicon))
    assert ("team sprint", "women", "gold", "Spain", ()) in got
    assert ("team pursuit", "men", "silver", "New Zealand", ()) in got
    assert ("team pursuit", "men", "bronze", "Italy", ()) in got
    assert ("sprint", "women", "silver", "Belgium", ("Eva Claes",)) in got
    assert ("sprint", "women", "bronze", "France", ("Zoe Marin",)) in got
    # beaten is not placed: Denmark lost the bronze race, Tremblay the ride-off
    assert not {r for r in got if r[3] in ("Denmark", "Canada")}


def test_defeats_records_and_tallies(lexicon) -> None:  # type: ignore[no-untyped-def]
    facts = derive(
        "Australia won the men's team pursuit in a world record of 3:40.730, beating Britain "
        "in the final. However, their dominance faltered, leaving them with a single gold "
        "medal, their lowest total since 2000.",
        lexicon,
    )
    kinds = {f.kind: f.fields for f in facts}
    assert kinds["defeat"] == {
        "event": "team pursuit",
        "gender": "men",
        "winner": "Australia",
        "loser": "Great Britain",
        "round": "final",
    }
    assert kinds["record"]["holder"] == "Australia"
    assert kinds["tally"] == {  # "them": the last nation named in the paragraph
        "subject": "Great Britain",
        "medal": "gold",
        "count": 1,
        "scope": "Paris 2024",
        "note": "their lowest total since 2000",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Benjamin Thomas of France finished on 164 points in the Madison race.",  # no medal said
        "The Eiffel Tower is a wrought-iron tower on the Champ de Mars in Paris, France.",
        "Lavreysen's tally is a record for a Dutch cyclist.",  # "a Dutch cyclist" races nothing
        "It is also the home of the French Cycling Federation.",
    ],
)
def test_what_is_not_a_result(lexicon, text: str) -> None:  # type: ignore[no-untyped-def]
    facts = derive(text, lexicon)
    assert not [f for f in facts if f.kind == "result"]
    assert not [f for f in facts if f.kind == "nationality" and "Tower" in str(f.fields)]


def test_the_article_is_mostly_re_derived_and_never_contradicted(lexicon) -> None:  # type: ignore[no-untyped-def]
    corpus = REPO / "corpus"
    documents = load_documents(corpus)
    hand = load_facts(corpus, documents, lexicon)
    derived = derive_facts(documents, lexicon)
    found = [h for h in hand if any(_key(d) == _key(h) and _agrees(d, h) for d in derived)]
    wrong = [h for h in hand if any(_key(d) == _key(h) and not _agrees(d, h) for d in derived)]
    extra = [d for d in derived if not any(_key(d) == _key(h) for h in hand)]
    assert len(found) >= 16 and not wrong and not extra, (len(found), wrong, extra)


def _result(doc: str, country: str, riders: list[str], quote: str) -> Fact:
    from qa.types import Citation

    citation = Citation(doc, quote, 0, len(quote))
    fields = {"event": "keirin", "gender": "men", "medal": "gold", "country": country}
    return Fact(
        f"{doc}-{country}", "result", doc, {**fields, "riders": riders}, (quote,), (citation,), "s"
    )


def test_corroboration_and_contradiction() -> None:
    hand = _result("a.txt", "Netherlands", ["Harrie Lavreysen"], "Lavreysen won the keirin.")
    same = _result("b.txt", "Netherlands", ["Harrie Lavreysen"], "The keirin went to Lavreysen.")
    other = _result("c.txt", "Japan", ["Kenji Moriyama"], "Moriyama won the keirin.")
    merged = merge_facts([hand], [same, other])
    assert merged.facts == ()  # the contradiction of a hand-written fact is dropped
    (corroborated,) = merged.replaced
    assert [c.doc for c in corroborated.citations] == ["a.txt", "b.txt"]
    (warning,) = merged.warnings
    assert "Moriyama won the keirin." in warning and "Lavreysen won the keirin." in warning


def test_a_build_reports_a_contradiction(tmp_path: Path, fake_encoder, capsys) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "other.txt").write_text(
        "Kenji Moriyama of Japan won the men's keirin gold.\n", encoding="utf-8"
    )
    code = cli.main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "i")])
    err = capsys.readouterr().err
    assert code == 0
    assert "warning:" in err and "Kenji Moriyama of Japan won the men's keirin gold." in err


def test_qa_facts_lists_and_writes_the_derived_facts(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "corpus", corpus)
    shutil.copy(PODIUMS, corpus / PODIUMS.name)
    out_file = tmp_path / "derived.yaml"
    code = cli.main(["facts", PODIUMS.name, "--corpus", str(corpus), "--write", str(out_file)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "new: Kenji Moriyama of Japan won bronze in the men's keirin." in out
    assert "corroborates result-men-keirin-gold" in out
    written = yaml.safe_load(out_file.read_text(encoding="utf-8"))["facts"]
    assert all(f["doc"] == PODIUMS.name and f["evidence"] for f in written)
    # the file is a facts file: it loads and validates as one
    shutil.copy(out_file, corpus / "facts.yaml")
    assert len(load_facts(corpus, load_documents(corpus))) == len(written)
    # never overwrite, and an unknown document is a one-line error
    assert cli.main(["facts", "--corpus", str(corpus), "--write", str(out_file)]) == 2
    assert cli.main(["facts", "nope.txt", "--corpus", str(corpus)]) == 2
    assert "no document 'nope.txt'" in capsys.readouterr().err
    assert cli.main(["facts", "--json", "--corpus", str(corpus)]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["status"] in ("new", "corroborates", "contradicts")


def test_the_structured_path_reads_a_new_document_before_it_abstains(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "corpus", corpus)
    before = knowledge_from_corpus(corpus)
    shutil.copy(PODIUMS, corpus / PODIUMS.name)
    after = knowledge_from_corpus(corpus)
    question = "Who won bronze in the men's keirin?"
    assert _from_structured(_understand(question, None, before).result).method == "none"  # type: ignore[arg-type]
    answer = _from_structured(_understand(question, None, after).result)  # type: ignore[arg-type]
    assert answer.method == "structured" and "Kenji Moriyama" in answer.text
    assert answer.citations[0].doc == PODIUMS.name
    # no stale "the sources don't name": silver in the men's sprint is now named
    answer = _from_structured(
        _understand("Who took silver in the men's sprint?", None, after).result
    )  # type: ignore[arg-type]
    assert "Callum Brennan" in answer.text and "don't" not in answer.text
    # and a fact both documents state cites both
    answer = _from_structured(_understand("Who won the men's omnium?", None, after).result)  # type: ignore[arg-type]
    assert {c.doc for c in answer.citations} == {"paris-2024-track-cycling.txt", PODIUMS.name}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a passive win, a demonym, a name with a particle, the event from the paragraph
            "The men's keirin opened the evening.\n\n"
            "The keirin final itself was won by Dutchman Sem de Wilde, who led out his sprint. "
            "Malaysia's Amir Roslan finished second, and the bronze went to Germany's Lukas "
            "Brenner.",
            {
                ("keirin", "men", "gold", "Netherlands", ("Sem de Wilde",)),
                ("keirin", "men", "silver", "Malaysia", ("Amir Roslan",)),
                ("keirin", "men", "bronze", "Germany", ("Lukas Brenner",)),
            },
        ),
        (  # a final between riders decides gold and silver; a ride for bronze, bronze
            "The women's sprint opened the finals. Lotte Van Aken of Belgium beat Hana "
            "Kurokawa of Japan in the final. Canada's Imogen Ferreira defeated Australia's Tess "
            "Marwood in the ride for bronze.",
            {
                ("sprint", "women", "gold", "Belgium", ("Lotte Van Aken",)),
                ("sprint", "women", "silver", "Japan", ("Hana Kurokawa",)),
                ("sprint", "women", "bronze", "Canada", ("Imogen Ferreira",)),
            },
        ),
        (  # a nation's pairing takes the win of the paragraph's event; points in the list
            "The men's madison closed the meeting. Portugal's pairing of Tiago Morais and "
            "Rui Carvalho took the win with 47 points, ahead of Belgium on 41 points and Spain "
            "on 38 points.",
            {
                ("madison", "men", "gold", "Portugal", ("Tiago Morais", "Rui Carvalho")),
                ("madison", "men", "silver", "Belgium", ()),
                ("madison", "men", "bronze", "Spain", ()),
            },
        ),
        (  # the minor medals in order; a nation code in brackets; "a second bronze" counts
            "Kenta Shimizu won the men's keirin for Japan. The minor medals went to Ruben "
            "Velthuis (NED) and Jakub Novak (CZE) respectively.",
            {
                ("keirin", "men", "gold", "Japan", ("Kenta Shimizu",)),
                ("keirin", "men", "silver", "Netherlands", ("Ruben Velthuis",)),
                ("keirin", "men", "bronze", "Czech Republic", ("Jakub Novak",)),
            },
        ),
        (  # the medal word nearest the cue; a track time trial is not the road one
            "Callum Reyes of Australia won the men's kilometre time trial. Jakub Novak (CZE) "
            "was second and the bronze went to Ruben Velthuis of the Netherlands.",
            {
                ("kilometre time trial", "men", "gold", "Australia", ("Callum Reyes",)),
                ("kilometre time trial", "men", "silver", "Czech Republic", ("Jakub Novak",)),
                ("kilometre time trial", "men", "bronze", "Netherlands", ("Ruben Velthuis",)),
            },
        ),
        (  # "ahead of" after a bronze is fourth place: no medal
            "In the women's team sprint, Germany edged China in the final. Mexico took bronze "
            "in that event ahead of Great Britain.",
            {
                ("team sprint", "women", "gold", "Germany", ()),
                ("team sprint", "women", "bronze", "Mexico", ()),
            },
        ),
        (  # the gold's winner outran the silver; "beat X for bronze" in the paragraph's event
            "The women's keirin was won by Ines Varga of Hungary, who outpaced Mei Tanaka of "
            "Japan on the last lap. Sara Holm beat Austria's Lena Egger for bronze.",
            {
                ("keirin", "women", "gold", "Hungary", ("Ines Varga",)),
                ("keirin", "women", "silver", "Japan", ("Mei Tanaka",)),
                ("keirin", "women", "bronze", "", ("Sara Holm",)),
            },
        ),
        (  # a medal handed to each of two riders
            "Paolo Rossi of Italy won the men's keirin. A relegation handed silver to the "
            "Frenchman Luc Morel and bronze to Kai Berg of Germany.",
            {
                ("keirin", "men", "gold", "Italy", ("Paolo Rossi",)),
                ("keirin", "men", "silver", "France", ("Luc Morel",)),
                ("keirin", "men", "bronze", "Germany", ("Kai Berg",)),
            },
        ),
        (  # "gave Denmark its gold": the rider's nation; "clear of X, with Y third"
            "Anders Lund gave Denmark its second gold in the men's omnium. He finished 14 "
            "points clear of Spain's Jordi Puig, with Tom Baker of Canada third.",
            {
                ("omnium", "men", "gold", "Denmark", ("Anders Lund",)),
                ("omnium", "men", "silver", "Spain", ("Jordi Puig",)),
                ("omnium", "men", "bronze", "Canada", ("Tom Baker",)),
            },
        ),
        (  # "the final sprint" is a moment of the race; "by winning the last sprint" a manner
            "Eva Novak of Slovakia won the women's elimination race, holding off Chile's Ana "
            "Soto in the final sprint, while Mia Kerr of Ireland took bronze.\n\n"
            "The Swiss pair of Jan Meier and Urs Frei won the men's madison. Behind them came "
            "Austria, while the Czech pair of Petr Novy and Jiri Blaha took bronze by winning "
            "the last sprint.",
            {
                ("elimination race", "women", "gold", "Slovakia", ("Eva Novak",)),
                ("elimination race", "women", "silver", "Chile", ("Ana Soto",)),
                ("elimination race", "women", "bronze", "Ireland", ("Mia Kerr",)),
                ("madison", "men", "gold", "Switzerland", ("Jan Meier", "Urs Frei")),
                ("madison", "men", "silver", "Austria", ()),
                ("madison", "men", "bronze", "Czech Republic", ("Petr Novy", "Jiri Blaha")),
            },
        ),
        (  # "to see off X in the final"; "to claim the title": the paragraph's event
            "The men's sprint went to Piotr Nowak, who needed three rides to see off Chile's "
            "Tomas Vera in the final.\n\nThe men's keirin final was hit by a crash on the "
            "last lap. Nowak avoided it to claim the title.",
            {
                ("sprint", "men", "gold", "", ("Piotr Nowak",)),
                ("sprint", "men", "silver", "Chile", ("Tomas Vera",)),
                ("keirin", "men", "gold", "", ("Piotr Nowak",)),
            },
        ),
        (  # "won it": the event the sentence before named
            "The women's sprint final was a duel between Ana Ruiz of Spain and Chile's Eva "
            "Soto. Ruiz won it in two straight rides, and Mia Kerr of Ireland took bronze.",
            {
                ("sprint", "women", "gold", "Spain", ("Ana Ruiz",)),
                ("sprint", "women", "bronze", "Ireland", ("Mia Kerr",)),
            },
        ),
        (  # "the 22-year-old" is the rider named last
            "Kofi Mensah of Kenya won the men's keirin. The 22-year-old held off Brazil's Rui "
            "Costa on the line, while Chile's Juan Soto took the bronze.",
            {
                ("keirin", "men", "gold", "Kenya", ("Kofi Mensah",)),
                ("keirin", "men", "silver", "Brazil", ("Rui Costa",)),
                ("keirin", "men", "bronze", "Chile", ("Juan Soto",)),
            },
        ),
        (  # a pursuit won by catching the other finalist
            "The women's individual pursuit was won by Britain's Ada Lyle, who caught "
            "Norway's Siri Dahl in the final.",
            {
                ("individual pursuit", "women", "gold", "Great Britain", ("Ada Lyle",)),
                ("individual pursuit", "women", "silver", "Norway", ("Siri Dahl",)),
            },
        ),
    ],
)
def test_more_sentence_shapes(lexicon, text: str, expected: set) -> None:  # type: ignore[no-untyped-def]
    assert results(derive(text, lexicon)) == expected


def test_a_career_count_is_not_a_result(lexicon) -> None:  # type: ignore[no-untyped-def]
    text = "He could surpass the seven gold medals won by British legend Jason Kenny in the keirin."
    assert not results(derive(text, lexicon))


def test_another_competition_answers_apart_and_says_which(tmp_path: Path) -> None:
    """A report on another competition neither corroborates nor contradicts the article;
    its results answer beside the article's, introduced by the competition's name."""
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "cup.txt").write_text(
        "Track Nations Cup 2025, Round 2 — Event Report\n\n"
        "The women's keirin opened the finals. Lotte Van Aken of Belgium beat Hana Kurokawa "
        "of Japan in the final.\n",
        encoding="utf-8",
    )
    documents = load_documents(corpus)
    from qa.corpus.merge import corpus_facts
    from qa.corpus.occasion import document_occasion

    occasions = {d.path: document_occasion(d, lexicon_of(corpus)) for d in documents}
    assert occasions == {
        "paris-2024-track-cycling.txt": None,
        "cup.txt": "Track Nations Cup 2025, Round 2",
    }
    facts, warnings = corpus_facts(corpus, documents, lexicon_of(corpus))
    assert not warnings  # Van Aken's keirin is not Andrews's
    knowledge = knowledge_from_corpus(corpus)
    answer = _from_structured(_understand("Who won the women's keirin?", None, knowledge).result)  # type: ignore[arg-type]
    assert "Ellesse Andrews" in answer.text
    assert "At the Track Nations Cup 2025, Round 2: Lotte Van Aken" in answer.text
    assert {c.doc for c in answer.citations} == {"paris-2024-track-cycling.txt", "cup.txt"}
    # a yes/no about one competition is not answered "no" by the other's winner
    answer = _from_structured(
        _understand("Did Ellesse Andrews win the women's keirin?", None, knowledge).result  # type: ignore[arg-type]
    )
    assert answer.text.startswith("At Paris 2024: Yes")
    # what only the other competition names is answered from it alone, saying which
    answer = _from_structured(
        _understand("Who took silver in the women's keirin?", None, knowledge).result  # type: ignore[arg-type]
    )
    assert (
        answer.text.startswith("At the Track Nations Cup 2025, Round 2:")
        and "Kurokawa" in answer.text
    )
    # beside another competition, the article's answer says which competition it is too
    answer = _from_structured(_understand("Who won the women's keirin?", None, knowledge).result)  # type: ignore[arg-type]
    assert answer.text.startswith("At Paris 2024: Ellesse Andrews")
    # a question naming one competition is answered from it alone, without its name's words
    named = _understand("Who won the women's keirin at the Nations Cup 2025?", None, knowledge)
    answer = _from_structured(named.result)  # type: ignore[arg-type]
    assert "Van Aken" in answer.text and "Andrews" not in answer.text
    assert named.occasion == "Track Nations Cup 2025, Round 2"
    assert named.asked == "Who won the women's keirin at the"  # as typed, less the name
    answer = _from_structured(
        _understand("Who won the women's keirin in Paris?", None, knowledge).result
    )  # type: ignore[arg-type]
    assert "Andrews" in answer.text and "Van Aken" not in answer.text
    # a follow-up stays with the competition the conversation named
    earlier = _understand("Who won the women's keirin at the 2025 Nations Cup?", None, knowledge)
    answer = _from_structured(_understand("and who was second?", earlier, knowledge).result)  # type: ignore[arg-type]
    assert "Kurokawa" in answer.text


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("Track Nations Cup 2025, Round 2 — Event Report", "Track Nations Cup 2025, Round 2"),
        ("2025 European Track Championships: Event Report", "2025 European Track Championships"),
        (
            "Mexico top the table as Lima hosts the 2026 Pan American Track Championships",
            "2026 Pan American Track Championships",
        ),
        ("Results of the Tour of Flanders 2025", "Tour of Flanders 2025"),
        # a headline naming no year: the opening sentence names the competition
        (
            "Japan top the table in Nilai\n\nNILAI - Japan led the medal table at the 2027 "
            "Asian Track Cycling Championships.",
            "2027 Asian Track Cycling Championships",
        ),
        ("Kestrel Park Velodrome\n\nThe velodrome opened in 2016.", None),  # a year alone
    ],
)
def test_the_label_is_the_competition_named_around_the_year(title: str, label: str | None) -> None:
    from qa.corpus.occasion import document_occasion

    doc = Document("report.txt", f"{title}\n\nThe men's sprint went to Joost Verhagen.\n")
    assert document_occasion(doc, lexicon_of(REPO / "corpus")) == label


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("who won the sprint at the 2026 pan american track championships", "PAN"),
        ("who won the sprint at the pan american championships", "PAN"),
        ("who won the sprint at the 2026 pan amercan championshps", "PAN"),  # slips
        ("who won the sprint at the 2025 european championships", "EURO"),
        ("where will the 2026 european championships be held", None),  # another edition
        ("who won the sprint in paris", ""),  # the corpus's own
        ("who won the sprint", None),
        ("which american won the sprint", None),  # one word of a name names nothing
    ],
)
def test_a_question_names_a_competition(question: str, named: str | None) -> None:
    from qa.corpus.occasion import named_occasion

    labels = {
        "PAN": "2026 Pan American Track Championships",
        "EURO": "2025 European Track Championships",
    }
    occasion, _ = named_occasion(question.split(), labels.values(), ["paris", "2024"])
    assert occasion == (labels.get(named, named) if named else named)


def lexicon_of(corpus: Path):  # type: ignore[no-untyped-def]
    return load_lexicon(corpus)


def test_a_count_of_titles_and_a_beaten_nation_are_not_placings(lexicon) -> None:  # type: ignore[no-untyped-def]
    facts = derive(
        "In the men's team pursuit, Denmark retained the title, beating Great Britain in the "
        "final in a world record time. Magnus Aagaard of Denmark then won his second title.",
        lexicon,
    )
    (record,) = [f for f in facts if f.kind == "record"]
    assert record.fields["holder"] == "Denmark"  # not the beaten Britain
    assert not [r for r in results(facts) if r[2] == "silver"]  # "his second title"


def test_a_title_line_gives_its_section_its_gender(lexicon) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Men's sprint events\n\n"
        "In the individual sprint, Harrie Lavreysen of the Netherlands edged Matthew "
        "Richardson of Australia in the final, while Britain's Jack Carlin won the ride for "
        "bronze. Australia took the team pursuit, and Italy completed the podium."
    )
    got = results(derive(text, lexicon))
    assert ("sprint", "men", "silver", "Australia", ("Matthew Richardson",)) in got
    assert ("sprint", "men", "bronze", "Great Britain", ("Jack Carlin",)) in got
    assert ("team pursuit", "men", "bronze", "Italy", ()) in got  # not gold: it completed


def test_a_pronoun_opening_a_sentence_is_the_rider_named_before(lexicon) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Pan American report\n\nIn the men's keirin, Canada's Oliver Grant was the fastest "
        "qualifier. He beat Tomas Ruiz of Spain in the final.\n"
    )
    assert results(derive(text, lexicon)) == {
        ("keirin", "men", "gold", "Canada", ("Oliver Grant",)),
        ("keirin", "men", "silver", "Spain", ("Tomas Ruiz",)),
    }
    # a woman placed earlier is no "he"
    text = (
        "Pan American report\n\nAna Lopez of Mexico won the women's omnium. "
        "He beat Tomas Ruiz of Spain in the men's keirin final.\n"
    )
    assert ("keirin", "men", "gold", "Mexico", ("Ana Lopez",)) not in results(derive(text, lexicon))


def test_which_pair_won_is_answered_with_the_winners_only(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "cup.txt").write_text(
        "Track Nations Cup 2025, Round 2\n\nIn the women's Madison, Italy's Sara Conti and "
        "Giulia Neri won gold. The Danish pair of Ida Holm and Maja Berg took silver, and the "
        "Belgians Lien Claes and Eva Maes finished third.\n",
        encoding="utf-8",
    )
    knowledge = knowledge_from_corpus(corpus)
    question = "Which pair won the women's Madison at the Nations Cup?"
    answer = _from_structured(_understand(question, None, knowledge).result)  # type: ignore[arg-type]
    assert "Conti" in answer.text and "Holm" not in answer.text and "Claes" not in answer.text


def test_a_rider_whose_nation_goes_unsaid_is_placed(lexicon) -> None:  # type: ignore[no-untyped-def]
    """A result names its rider when the document gives no nation ("Sofía Carrasco,
    cheered by the home crowd, completed the podium"; a beaten finalist), and its sentence
    reads without one; never in a team event, nor for a "rider" whose surname is an
    everyday word ("the Nations Cup")."""
    facts = derive(
        "Amara Okafor of Great Britain won the women's sprint. Lea Brandt of Germany took "
        "silver behind her; Sofía Carrasco, cheered by the home crowd, completed the podium. "
        "In the men's sprint, Tomasz Wierzbicki of Poland beat Hugo Marchetti in the final.",
        lexicon,
    )
    got = results(facts)
    assert ("sprint", "women", "bronze", "", ("Sofía Carrasco",)) in got
    assert ("sprint", "men", "gold", "Poland", ("Tomasz Wierzbicki",)) in got
    assert ("sprint", "men", "silver", "", ("Hugo Marchetti",)) in got
    sentences = {f.sentence for f in facts if f.kind == "result"}
    assert "Hugo Marchetti won silver in the men's individual sprint." in sentences
    assert not results(
        derive(
            "In the women's team sprint, Ana Ruiz, Eva Sanz and Ida Moll beat Canada in the final.",
            lexicon,
        )
    ) - {("team sprint", "women", "gold", "", ("Ana Ruiz", "Eva Sanz", "Ida Moll"))}
    assert not results(
        derive("Lotte Van Aken beat Hana Kurokawa to claim her first Nations Cup gold.", lexicon)
    ) & {("sprint", "women", "gold", "", ("Nations Cup",))}


def test_a_result_names_a_nation_or_riders() -> None:
    """A hand-written result without a nation is valid when it names its riders."""
    from qa.corpus.facts import _validate
    from qa.errors import FactsInvalid
    from qa.types import Citation

    doc = Document("d.txt", "Hugo Marchetti took silver in the men's sprint.")
    spans = {"d.txt": [Citation("d.txt", doc.text, 0, len(doc.text))]}
    entry = {
        "id": "r1",
        "kind": "result",
        "doc": "d.txt",
        "event": "sprint",
        "gender": "men",
        "medal": "silver",
        "riders": ["Hugo Marchetti"],
        "evidence": doc.text,
    }
    lex = lexicon_of(REPO / "corpus")
    fact = _validate(Path("facts.yaml"), 1, entry, {"d.txt": doc}, spans, lex)
    assert fact.sentence == "Hugo Marchetti won silver in the men's individual sprint."
    with pytest.raises(FactsInvalid, match="names no one"):
        _validate(Path("facts.yaml"), 1, {**entry, "riders": []}, {"d.txt": doc}, spans, lex)


def test_a_rider_described_by_nation_and_role_is_the_one_named_before(lexicon) -> None:  # type: ignore[no-untyped-def]
    """ "The star was Lieke van Dongen. The Dutch sprinter won the women's sprint": her win,
    and her nation; "the Dutch rider Fenna de Wit" names its rider itself."""
    facts = derive(
        "The star of the four days was Lieke van Dongen. The Dutch sprinter won the women's "
        "sprint, and Ines Albrecht of Germany took the women's omnium ahead of the Dutch rider "
        "Fenna de Wit.",
        lexicon,
    )
    got = results(facts)
    assert ("sprint", "women", "gold", "Netherlands", ("Lieke van Dongen",)) in got
    assert ("omnium", "women", "silver", "Netherlands", ("Fenna de Wit",)) in got
    assert not [r for r in got if r[4] == ()]  # no nation standing in for a rider


def test_a_pair_named_by_nation_and_a_paragraph_on_one_gender(lexicon) -> None:  # type: ignore[no-untyped-def]
    """ "The French pair A and B were second"; "In the keirin X finished second" in a
    paragraph on the women's keirin; "Among the men, ... In the team sprint ..."."""
    got = results(
        derive(
            "Belgium won the men's madison. The French pair Théo Lacombe and Maxime Duroc were "
            "second.\n\nLieke van Dongen of the Netherlands won the women's keirin, and she "
            "cried. In the keirin Hana Kubota of Japan finished second.\n\nAmong the men, Tomasz "
            "Wierzbicki of Poland won the sprint. In the team sprint the Dutch trio beat Japan "
            "in the final, with France taking bronze.",
            lexicon,
        )
    )
    assert ("madison", "men", "silver", "France", ("Théo Lacombe", "Maxime Duroc")) in got
    assert ("keirin", "women", "silver", "Japan", ("Hana Kubota",)) in got
    assert ("team sprint", "men", "gold", "Netherlands", ()) in got
    assert ("team sprint", "men", "bronze", "France", ()) in got


def test_a_manner_of_speaking_is_no_placing(lexicon) -> None:  # type: ignore[no-untyped-def]
    """ "for the third consecutive year" is no bronze; "added a touch of magic ... by
    securing their first ever medal" no gold; "a two-up sprint" no event."""
    got = results(
        derive(
            "Mereana Tawhiri retained her women's sprint title for the third consecutive year. "
            "In the men's omnium, Portugal added a touch of magic to the week by securing their "
            "first ever medal, with Iuri Leitao taking silver.",
            lexicon,
        )
    )
    assert got == {
        ("sprint", "women", "gold", "", ("Mereana Tawhiri",)),
        ("omnium", "men", "silver", "Portugal", ("Iuri Leitao",)),
    }
    assert not results(
        derive(
            "The women's elite race went to Maren Osei of Coastline Velo, who beat Clara "
            "Vandeleur in a two-up sprint.",
            lexicon,
        )
    )


def test_where_a_competition_was_held_names_it(tmp_path: Path) -> None:
    """ "in Valencia" names the competition its report opens by holding there: the question
    is answered from that report alone, without the place's word left over."""
    from qa.corpus.occasion import occasion_places

    report = (
        "The Velo Cup 2026 brought riders from 24 nations to the velodrome in Valencia from 19 "
        "to 22 March.\n\nAmong the women, Lea Brandt of Germany won the keirin.\n"
    )
    doc = Document("cup.txt", report)
    assert occasion_places(doc, lexicon_of(REPO / "corpus"), "Velo Cup 2026") == {"valencia"}
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "cup.txt").write_text(report, encoding="utf-8")
    knowledge = knowledge_from_corpus(corpus)
    asked = _understand("Who won the women's keirin in Valencia?", None, knowledge)
    assert asked.occasion == "Velo Cup 2026"
    answer = _from_structured(asked.result)  # type: ignore[arg-type]
    assert "Brandt" in answer.text and "Andrews" not in answer.text


def test_what_a_report_was_read_for_is_no_count(tmp_path: Path) -> None:
    """A rider's or nation's medals read from a report are not a count of them (the report
    may say more than was read: "giving Vosskuhl a third medal"): the answer abstains and
    says what the sources report; "holding off X" and "doubled up" are placings; "which pair
    took silver behind Belgium" asks for the silver pair; "names of the Dutch riders" asks
    for people."""
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "cup.txt").write_text(
        "The Velo Cup 2026 was held in Valencia.\n\nGermany's Maren Vosskuhl won the women's "
        "sprint, holding off Hana Kubota of Japan. Vosskuhl doubled up in the women's keirin. "
        "Germany were third in the women's team sprint, giving Vosskuhl a third medal.\n\n"
        "Belgium's Wout Claessens and Jelle Verhaeghe won the men's madison. The French pair "
        "Théo Lacombe and Maxime Duroc were second. In the men's team sprint the Dutch trio "
        "won.\n",
        encoding="utf-8",
    )
    knowledge = knowledge_from_corpus(corpus)

    def reply(question: str) -> tuple[bool, str]:
        result = _understand(question, None, knowledge).result
        assert result is not None, question
        return result.abstain, result.lead

    abstained, lead = reply("How many medals did Maren Vosskuhl win at the Velo Cup?")
    assert abstained and "gold in the women's individual sprint" in lead
    assert reply("Who won silver in the women's sprint in Valencia?")[1].startswith("Hana Kubota")
    assert "Vosskuhl" in reply("Who won the women's keirin at the Velo Cup?")[1]
    assert "Lacombe" in reply("Which pair took silver in the men's madison behind Belgium?")[1]
    abstained, _ = reply("names of the dutch team sprint riders at the velo cup")
    assert abstained


def test_a_record_of_any_kind_with_its_mark_and_rider(lexicon) -> None:  # type: ignore[no-untyped-def]
    facts = derive(
        "Marco Bianchi won the men's keirin. In the kilometre time trial, Emil Sand of Sweden "
        "set a championship record of 59.104 seconds.",
        lexicon,
    )
    (record,) = [f for f in facts if f.kind == "record"]
    assert record.fields == {
        "event": "kilometre time trial",
        "gender": "men",  # every placing of the paragraph is a man's
        "holder": "Sweden",
        "record": "championship record",
        "riders": ["Emil Sand"],
        "mark": "59.104 seconds",
    }
    assert record.sentence == (
        "Emil Sand of Sweden set a championship record of 59.104 seconds in the men's "
        "kilometre time trial."
    )


def test_a_medal_total_is_a_tally_of_every_colour(lexicon) -> None:  # type: ignore[no-untyped-def]
    facts = derive("Italy topped the medal table with nine medals, four of them gold.", lexicon)
    assert tallies(facts) == {("Italy", "all", 9), ("Italy", "gold", 4)}
    (total,) = [f for f in facts if f.kind == "tally" and f.fields["medal"] == "all"]
    assert total.sentence.startswith("Italy won 9 medals")


def test_a_report_answers_its_totals_records_and_riders_nations(tmp_path: Path) -> None:
    """A medal total read from a report answers "how many medals"; a record names its rider
    and mark; a rider's nation holds at the competition the question names; a rare word of
    a competition's name ("Lakeside") names it alone."""
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "corpus", corpus)
    (corpus / "lakeside.txt").write_text(
        "The 2026 Lakeside Track Meeting ended on Sunday after three days of racing. Italy "
        "topped the medal table with nine medals, four of them gold. The women's keirin went "
        "to Ines Varga of Hungary, who outpaced Mei Tanaka of Japan on the last lap. In the "
        "men's kilometre time trial, Emil Sand of Sweden set a meeting record of 59.104 "
        "seconds.\n",
        encoding="utf-8",
    )
    knowledge = knowledge_from_corpus(corpus)

    def reply(question: str) -> str:
        answer = _from_structured(_understand(question, None, knowledge).result)  # type: ignore[arg-type]
        assert answer.method == "structured", (question, answer.text)
        return answer.text

    assert "nine medals" in reply("How many medals did Italy win at the Lakeside Track Meeting?")
    said = reply("Was any record set at the 2026 Lakeside Track Meeting?")
    assert "Emil Sand" in said and "59.104 seconds" in said
    assert "Japan" in reply("what country does mei tanaka ride for? lakeside keirin")
    assert "Mei Tanaka" in reply("lakeside womens keirin runner up")


def test_a_record_set_by_a_team_named_after_it(lexicon) -> None:  # type: ignore[no-untyped-def]
    facts = derive(
        "The women's team pursuit closed the night. The meeting record was lowered by the "
        "German quartet of Lea Kaul, Mia Roth, Ida Falk and Ina Beck, who stopped the clock "
        "at 4:05.112 in the final.",
        lexicon,
    )
    (record,) = [f for f in facts if f.kind == "record"]
    assert record.fields["holder"] == "Germany" and record.fields["mark"] == "4:05.112"
    assert record.fields["riders"] == ["Lea Kaul", "Mia Roth", "Ida Falk", "Ina Beck"]
