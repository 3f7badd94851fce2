"""Persona cards: the shipped cards, the loader's error messages, the exported schema."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from bot.core.persona import SUBJECTS, Persona
from bot.personas import (
    PersonaError,
    UnknownPersona,
    export_schema,
    get_persona,
    load_all,
    load_persona,
    personas_dir,
    schema_text,
)

SCHEMA_COMMENT = "# yaml-language-server: $schema=./schema.json"

# A small valid card. Line 1 is the schema comment, so `id:` is on line 2.
VALID_CARD = textwrap.dedent(
    """\
    # yaml-language-server: $schema=./schema.json
    id: test-card
    name: Pat Example
    relation: mother
    household: "Pat and her son Sam, in a flat above the bakery."
    student:
      name: Sam
      grade: "5"
    style: plain
    opening_mood: calm
    absence_reason: transport
    situation: "Sam, grade 5, has missed 12 days since September."
    surface_account: "The car keeps breaking down."
    layers:
      - id: first
        text: "The car is twenty years old."
        says: ["It's older than Sam."]
        topics: [mornings, transport]
        trust: 2
        earned_by: an open question about mornings
      - id: second
        text: "She can't afford the repair."
        says: ["The garage wants four hundred."]
        topics: [work, home]
        trust: 4
        earned_by: a follow-up
      - id: third
        text: "Sam walks when the car fails, but not in the rain."
        says: ["He walks if it's dry."]
        topics: [health, family]
        trust: 5.5
        earned_by: a reflection
    hidden_insight:
      text: "A neighbor offered rides and she was too proud to accept."
      says: ["Mrs. Lee offered, and I said no."]
      trust: 7.5
    closes_up_when: [advice]
    voice:
      greeting: "Hello?"
      surface: ["The car again.", "It's the car."]
      general: ["Hm.", "Maybe.", "I don't know."]
      brief: ["Yes.", "No.", "Sometimes."]
      guarded: ["Fine.", "Okay.", "If you say so."]
      acknowledge: ["Yes, that's it.", "Thanks."]
    """
)


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line that contains ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not found {occurrence} times"
    return hits[occurrence - 1]


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _errors_of(path: Path) -> str:
    with pytest.raises(PersonaError) as info:
        load_persona(path)
    return str(info.value)


@pytest.fixture(scope="module")
def shipped() -> dict[str, Persona]:
    return load_all()


# --------------------------------------------------------------------------- shipped cards


def test_fixture_card_is_valid(tmp_path: Path) -> None:
    persona = load_persona(_write(tmp_path, "test-card.yml", VALID_CARD))
    assert persona.id == "test-card"
    assert [layer.trust for layer in persona.layers] == [2, 4, 5.5]


def test_every_shipped_card_loads_and_matches_its_file(shipped: dict[str, Persona]) -> None:
    files = sorted(personas_dir().glob("*.yml"))
    assert len(shipped) >= 8
    assert list(shipped) == sorted(p.stem for p in files)
    for path in files:
        assert load_persona(path).id == path.stem


def test_ids_unique(shipped: dict[str, Persona]) -> None:
    ids = [p.id for p in shipped.values()]
    assert len(ids) == len(set(ids))
    names = [p.name for p in shipped.values()]
    assert len(names) == len(set(names)), "two cards share a caregiver name"
    students = [p.student.name for p in shipped.values()]
    assert len(students) == len(set(students)), "two cards share a student name"


def test_cards_start_with_schema_comment() -> None:
    for path in personas_dir().glob("*.yml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == SCHEMA_COMMENT, path.name


def test_styles_vary(shipped: dict[str, Persona]) -> None:
    assert len({p.style for p in shipped.values()}) >= 4


def test_absence_reasons_differ(shipped: dict[str, Persona]) -> None:
    reasons = [p.absence_reason for p in shipped.values()]
    assert len(reasons) == len(set(reasons))


_ENGLISH_WORDS = re.compile(
    r"\b(the|and|you|is|it.s|I|I.m|we|she|not|of|school|my|what|yes|yeah|okay|sorry)\b",
    re.IGNORECASE,
)


def _spoken_lines(persona: Persona) -> list[str]:
    voice = persona.voice
    lines = [voice.greeting, *voice.surface, *voice.general, *voice.brief]
    lines += [*voice.guarded, *voice.acknowledge, *persona.hidden_insight.says]
    lines += [line for topic_lines in voice.topics.values() for line in topic_lines]
    lines += [line for layer in persona.layers for line in layer.says]
    return lines


def test_spanish_card_speaks_spanish(shipped: dict[str, Persona]) -> None:
    spanish = [p for p in shipped.values() if p.language == "es"]
    assert spanish, "at least one card must be in Spanish"
    for persona in spanish:
        for line in _spoken_lines(persona):
            assert not _ENGLISH_WORDS.search(line), f"{persona.id}: English in {line!r}"


def test_voice_covers_topics(shipped: dict[str, Persona]) -> None:
    for persona in shipped.values():
        topics = persona.voice.topics
        assert len(topics) >= 8, persona.id
        for topic, lines in topics.items():
            assert topic in SUBJECTS
            assert len(lines) >= 2, f"{persona.id}: {topic} has {len(lines)} line(s)"


def test_every_card_answers_everyday_subjects(shipped: dict[str, Persona]) -> None:
    # issue 9: ordinary questions need lines (interests, weekends, sleep, food...)
    for persona in shipped.values():
        missing = [s for s in SUBJECTS if len(persona.voice.topics.get(s, [])) < 2]
        assert not missing, f"{persona.id}: no lines for {missing}"
        assert persona.student.pronouns is not None, persona.id
        assert persona.voice.yes_no, persona.id
        assert {"permission", "closing", "repeat"} <= set(persona.voice.social), persona.id


def test_every_close_up_entry_has_a_recognizer(shipped: dict[str, Persona]) -> None:
    for persona in shipped.values():
        covered = {c.when for c in persona.close_up}
        assert covered == set(persona.closes_up_when), persona.id


def test_two_student_personas(shipped: dict[str, Persona]) -> None:
    students = [p for p in shipped.values() if p.kind == "student"]
    assert len(students) >= 2


def test_voice_sizes(shipped: dict[str, Persona]) -> None:
    for persona in shipped.values():
        voice = persona.voice
        assert 2 <= len(voice.surface) <= 3, persona.id
        assert 3 <= len(voice.general) <= 8, persona.id
        assert 3 <= len(voice.brief) <= 5, persona.id
        assert 3 <= len(voice.guarded) <= 4, persona.id
        assert 2 <= len(voice.acknowledge) <= 3, persona.id


def test_trust_ascends_to_the_insight(shipped: dict[str, Persona]) -> None:
    for persona in shipped.values():
        trusts = [layer.trust for layer in persona.layers]
        assert len(trusts) >= 3, persona.id
        assert trusts == sorted(trusts) and len(set(trusts)) == len(trusts), persona.id
        assert persona.hidden_insight.trust >= max(trusts), persona.id
        assert 7 <= persona.hidden_insight.trust <= 8, persona.id
        assert trusts[0] > persona.opening_trust, persona.id


def test_layers_reachable_by_everyday_topics(shipped: dict[str, Persona]) -> None:
    common = {"mornings", "family", "school_feelings"}
    for persona in shipped.values():
        assert common & set(persona.layers[0].topics), persona.id
        for layer in persona.layers:
            assert 2 <= len(layer.topics) <= 4, f"{persona.id}/{layer.id}"
            assert len(set(layer.topics)) == len(layer.topics), f"{persona.id}/{layer.id}"


def test_insight_lead_in_is_left_to_the_engine(shipped: dict[str, Persona]) -> None:
    for persona in shipped.values():
        for line in persona.hidden_insight.says:
            lowered = line.lower().lstrip(".… ")
            assert not lowered.startswith(("actually", "bueno, hay")), persona.id
            assert "something else" not in lowered and "algo más" not in lowered, persona.id


def test_card_size_limits(shipped: dict[str, Persona]) -> None:
    for persona in shipped.values():
        assert 2 <= len(persona.closes_up_when) <= 4, persona.id
        assert 2 <= len(persona.principles) <= 4, persona.id
        for layer in persona.layers:
            assert 1 <= len(layer.says) <= 2, f"{persona.id}/{layer.id}"


# --------------------------------------------------------------------------- schema


def test_schema_file_is_current() -> None:
    path = personas_dir() / "schema.json"
    assert path.read_text(encoding="utf-8") == schema_text(), (
        "personas/schema.json is stale: run `.venv/bin/python -m bot.personas`"
    )
    assert json.loads(path.read_text(encoding="utf-8")) == export_schema()
    assert schema_text().endswith("}\n")


def test_schema_names_the_card_fields() -> None:
    schema = export_schema()
    assert {"id", "layers", "hidden_insight", "voice", "style"} <= set(schema["properties"])
    assert "voice" in schema["required"]


# --------------------------------------------------------------------------- errors


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    text = VALID_CARD.replace("style: plain\n", "style: plain\n\tbroken: tab\n")
    path = _write(tmp_path, "bad.yml", text)
    message = _errors_of(path)
    line = _line_of(text, "\tbroken")
    assert message.startswith(f"{path}:{line}: YAML syntax error: ")
    assert "'\\t'" in message


def test_bad_style_names_style_line_and_path(tmp_path: Path) -> None:
    text = VALID_CARD.replace("style: plain", "style: shouty")
    path = _write(tmp_path, "bad.yml", text)
    message = _errors_of(path)
    assert message.startswith(f"{path}:{_line_of(text, 'style: shouty')}: style: ")
    assert "'plain'" in message
    assert len(message.splitlines()) == 1


def test_layer_trust_out_of_range_names_that_key(tmp_path: Path) -> None:
    text = VALID_CARD.replace("    trust: 4\n", "    trust: 99\n")
    path = _write(tmp_path, "bad.yml", text)
    message = _errors_of(path)
    expected = f"{path}:{_line_of(text, 'trust: 99')}: layers[1].trust: "
    assert message == expected + "Input should be less than or equal to 10"


def test_missing_voice_points_at_the_card(tmp_path: Path) -> None:
    text = VALID_CARD[: VALID_CARD.index("voice:")]
    path = _write(tmp_path, "bad.yml", text)
    assert _errors_of(path) == f"{path}:2: voice: Field required"


def test_all_errors_reported_one_per_line(tmp_path: Path) -> None:
    text = VALID_CARD.replace("style: plain", "style: shouty").replace(
        '  grade: "5"', '  grade: "13"'
    )
    path = _write(tmp_path, "bad.yml", text)
    lines = _errors_of(path).splitlines()
    assert lines == [
        f"{path}:{_line_of(text, 'grade:')}: student.grade: "
        "String should match pattern '^(Pre-K|K|[1-9]|1[0-2])$'",
        f"{path}:{_line_of(text, 'style:')}: style: "
        "Input should be 'plain', 'upset', 'verbose', 'reserved', 'tangents' or 'pleasing'",
    ]


def test_bad_topic_key_points_at_the_key(tmp_path: Path) -> None:
    text = VALID_CARD.replace(
        '  greeting: "Hello?"\n', '  greeting: "Hello?"\n  topics:\n    shouting: ["Hey."]\n'
    )
    path = _write(tmp_path, "bad.yml", text)
    message = _errors_of(path)
    assert message.startswith(f"{path}:{_line_of(text, 'shouting:')}: voice.topics.shouting[key]: ")


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    text = VALID_CARD.replace("    trust: 2\n", "    trust: 2\n    trust: 3\n")
    path = _write(tmp_path, "bad.yml", text)
    message = _errors_of(path)
    assert message == (
        f"{path}:{_line_of(text, 'trust: 3')}: layers[0].trust: "
        "key given more than once (the last one would win)"
    )


def test_non_mapping_card(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yml", "- just\n- a list\n")
    assert _errors_of(path) == f"{path}:1: a persona card must be a mapping, not a list"


def test_path_shown_relative_to_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "personas").mkdir()
    text = VALID_CARD.replace("style: plain", "style: shouty")
    path = _write(tmp_path / "personas", "bad.yml", text)
    assert _errors_of(path).startswith(f"personas/bad.yml:{_line_of(text, 'style:')}: style: ")


def test_load_all_lists_every_bad_file(tmp_path: Path) -> None:
    _write(tmp_path, "test-card.yml", VALID_CARD)
    _write(
        tmp_path,
        "a-bad.yml",
        VALID_CARD.replace("id: test-card", "id: a-bad").replace("style: plain", "style: shouty"),
    )
    _write(tmp_path, "b-bad.yml", "id: [\n")
    with pytest.raises(PersonaError) as info:
        load_all(tmp_path)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{tmp_path / 'a-bad.yml'}:") and ": style: " in lines[0]
    assert lines[1].startswith(f"{tmp_path / 'b-bad.yml'}:") and "YAML syntax error" in lines[1]


def test_load_all_requires_id_to_match_file_name(tmp_path: Path) -> None:
    _write(tmp_path, "other-name.yml", VALID_CARD)
    with pytest.raises(PersonaError) as info:
        load_all(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'other-name.yml'}:2: id: 'test-card' must equal the file name 'other-name'"
    )


def test_load_all_sorted_and_ignores_schema(tmp_path: Path) -> None:
    for pid in ("zeta", "alpha", "mid"):
        _write(tmp_path, f"{pid}.yml", VALID_CARD.replace("id: test-card", f"id: {pid}"))
    (tmp_path / "schema.json").write_text(schema_text(), encoding="utf-8")
    assert list(load_all(tmp_path)) == ["alpha", "mid", "zeta"]


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(PersonaError, match="persona directory not found"):
        load_all(tmp_path / "nowhere")


# --------------------------------------------------------------------------- get_persona


def test_get_persona_shipped(shipped: dict[str, Persona]) -> None:
    some_id = next(iter(shipped))
    assert get_persona(some_id) == shipped[some_id]


def test_unknown_persona_lists_known_ids(shipped: dict[str, Persona]) -> None:
    with pytest.raises(UnknownPersona) as info:
        get_persona("no-such-caregiver")
    err = info.value
    assert isinstance(err, KeyError)
    message = str(err)
    assert message.startswith("unknown persona 'no-such-caregiver'; known personas: ")
    assert message.endswith(", ".join(sorted(shipped)))
    assert err.known == sorted(shipped)


def test_unknown_persona_in_directory_and_path_like_ids(tmp_path: Path) -> None:
    _write(tmp_path, "test-card.yml", VALID_CARD)
    assert get_persona("test-card", tmp_path).name == "Pat Example"
    for bad in ("nope", "../test-card", "test-card.yml", ""):
        with pytest.raises(UnknownPersona, match=r"known personas: test-card$"):
            get_persona(bad, tmp_path)


def test_get_persona_reads_only_the_requested_card(tmp_path: Path) -> None:
    _write(tmp_path, "test-card.yml", VALID_CARD)
    _write(tmp_path, "broken.yml", "id: [\n")
    assert get_persona("test-card", tmp_path).id == "test-card"
    with pytest.raises(PersonaError, match="YAML syntax error"):
        get_persona("broken", tmp_path)


def test_get_persona_parses_a_card_once_and_again_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import bot.personas as personas_module

    path = _write(tmp_path, "test-card.yml", VALID_CARD)
    reads: list[Path] = []
    real = personas_module.load_persona

    def counting(p: Path) -> Persona:
        reads.append(p)
        return real(p)

    monkeypatch.setattr(personas_module, "load_persona", counting)
    first = get_persona("test-card", tmp_path)
    assert get_persona("test-card", tmp_path) is first
    assert len(reads) == 1
    changed = VALID_CARD.replace("id: test-card", "id: test-card\n# edited")
    assert changed != VALID_CARD
    path.write_text(changed, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = get_persona("test-card", tmp_path)
    assert len(reads) == 2 and again is not first


def test_a_practice_session_leaves_the_shared_card_unchanged(shipped: dict[str, Persona]) -> None:
    from bot.core.practice import PracticeEngine
    from bot.llm.scripted import ScriptedResponder

    card = get_persona("asthma-mom")
    before = card.model_dump(mode="json")
    engine = PracticeEngine(card, seed=3)
    responder = ScriptedResponder()
    for text in (
        "Hi, thanks for talking with me. How has this year been?",
        "It sounds like mornings are hard.",
        "You should get him to bed earlier.",
        "What else is going on?",
    ):
        plan = engine.plan(text)
        engine.record(plan, responder.reply(plan))
    assert len(engine.turns) == 4
    assert card.model_dump(mode="json") == before
