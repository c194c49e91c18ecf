"""The Obsidian Spaced Repetition plugin's (OSR 1.15.4) own unit test cases, as data.

Each case is one ``expect`` of OSR's ``tests/unit/parser.test.ts`` (``P…``, which parses a note's text) or one test
of ``tests/unit/note-question-parser.test.ts`` (``N…``, a whole note: tags, decks, front matter), with OSR's
settings and the cards OSR expects, written as notedeck shows a card: ``(kind, front, back)`` or ``(kind, front,
back, deck)``, where kind is ``basic``/``reversed`` (a reversed pair is one Anki note), and a cloze is
``("cloze", text with {{cN::…}} markers)``. Texts are compared with whitespace runs collapsed; the deck is the
sub-deck below the top deck ("" for the top deck itself). Only the cases are taken from OSR, not its code.

Settings: ``BASE`` is the option set parser.test.ts uses for most of its cases (OSR's defaults plus the
``**bold**`` and ``{{curly}}`` cloze patterns); ``None`` is OSR's own defaults (no settings file); a dict holds
the settings a case changes (OSR's key names, written to the vault's data.json).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BASE: dict[str, Any] = {"clozePatterns": ["==[123;;]answer[;;hint]==", "**[123;;]answer[;;hint]**",
                                          "{{[123;;]answer[;;hint]}}"]}


def opts(sep="::", rev=":::", ml="?", ml_rev="??", end="---", cloze=()) -> dict[str, Any]:
    return {"singleLineCardSeparator": sep, "singleLineReversedCardSeparator": rev, "multilineCardSeparator": ml,
            "multilineReversedCardSeparator": ml_rev, "multilineCardEndMarker": end, "clozePatterns": list(cloze)}


HL, BOLD, CURLY = BASE["clozePatterns"]


@dataclass
class Case:
    id: str
    text: str
    expected: list[tuple]
    settings: dict[str, Any] | None = field(default_factory=lambda: dict(BASE))
    folder: str = ""  # the note's folder
    parser_only: bool = True  # parser.test.ts: every note makes cards (plugin option cards: all)
    schedule: list | None = None  # expected OSR schedules, per card (in order)

    @property
    def group(self) -> str:
        if self.settings is None or self.settings == BASE:
            return "default"
        return "custom"


P = Case
S = "<!--SR:!2021-08-11,4,270-->"
S2 = "<!--SR:2021-08-11,4,270-->"

CASES: list[Case] = [
    # -- single line basic
    P("P01", "Question::Answer", [("basic", "Question", "Answer")]),
    P("P02", f"Question::Answer\n{S}", [("basic", "Question", "Answer")]),
    P("P03", "Question::Answer <!--SR:2021-08-11,4,270-->", [("basic", "Question", "Answer")]),
    P("P04", f"Question::Answer\n> [!sr|card-metadata] \n> {S}", [("basic", "Question", "Answer")]),
    P("P05", "Some text before\nQuestion ::Answer", [("basic", "Question", "Answer")]),
    P("P06", "#Title\n\nQ1::A1\nQ2:: A2", [("basic", "Q1", "A1"), ("basic", "Q2", "A2")]),
    P("P07", "#flashcards/science Question ::Answer", [("basic", "Question", "Answer", "science")]),
    P("P08", "Question&&Answer", [("basic", "Question", "Answer")], opts(sep="&&")),
    P("P09", "Question=Answer", [("basic", "Question", "Answer")], opts(sep="=")),
    P("P10", "Question::Answer", [], opts(sep="")),
    # -- single line reversed
    P("P11", "Question:::Answer", [("reversed", "Question", "Answer")]),
    P("P12", "Some text before\nQuestion :::Answer", [("reversed", "Question", "Answer")]),
    P("P13", "#Title\n\nQ1:::A1\nQ2::: A2", [("reversed", "Q1", "A1"), ("reversed", "Q2", "A2")]),
    P("P14", "Question&&&Answer", [("reversed", "Question", "Answer")], opts(rev="&&&")),
    P("P15", "Question::Answer", [("reversed", "Question", "Answer")], opts(sep=":::", rev="::")),
    P("P16", "Qn 1?:>Answer.\n\nQn 2?<:>Answer.\n", [("basic", "Qn 1?", "Answer."), ("reversed", "Qn 2?", "Answer.")],
      opts(sep=":>", rev="<:>", ml=";>", ml_rev="<;>")),
    P("P17", "Question:::Answer", [], opts(sep=">", rev="  ")),
    # -- multi-line basic
    P("P18", "Question\n?\nAnswer", [("basic", "Question", "Answer")]),
    P("P19", "Question\n? \nAnswer", [("basic", "Question", "Answer")]),
    P("P20", f"Question\n?\nAnswer {S}", [("basic", "Question", "Answer")]),
    P("P21", f"Question\n?\nAnswer\n{S2}", [("basic", "Question", "Answer")]),
    P("P22", "Question line 1\nQuestion line 2\n?\nAnswer", [("basic", "Question line 1 Question line 2", "Answer")]),
    P("P23", "Question\n?\nAnswer line 1\nAnswer line 2", [("basic", "Question", "Answer line 1 Answer line 2")]),
    P("P24", "#Title\n\nLine0\nQ1\n?\nA1\nAnswerExtra\n\nQ2\n?\nA2",
      [("basic", "Line0 Q1", "A1 AnswerExtra"), ("basic", "Q2", "A2")]),
    P("P25", "#flashcards/tag-on-previous-line\nQuestion\n?\nAnswer",
      [("basic", "Question", "Answer", "tag-on-previous-line")]),
    P("P26", "Question\n?\nAnswer line 1\nAnswer line 2\n\n---", [("basic", "Question", "Answer line 1 Answer line 2")],
      opts(cloze=[BOLD])),
    P("P27", "Question 1\n?\nAnswer line 1\nAnswer line 2\n\n---\nQuestion 2\n?\nAnswer line 1\nAnswer line 2\n---\n",
      [("basic", "Question 1", "Answer line 1 Answer line 2"), ("basic", "Question 2", "Answer line 1 Answer line 2")],
      opts(cloze=[BOLD])),
    P("P28", "Question 1\n?\nAnswer line 1\nAnswer line 2\n\n---\nQuestion with empty line after question mark\n?\n\n"
             "Answer line 1\nAnswer line 2\n---\n",
      [("basic", "Question 1", "Answer line 1 Answer line 2"),
       ("basic", "Question with empty line after question mark", "Answer line 1 Answer line 2")], opts(cloze=[BOLD])),
    P("P29", "Question\n@@\nAnswer\n\nsfdg", [("basic", "Question", "Answer")], opts(ml="@@", end="")),
    P("P30", "Question\n?\nAnswer", [], opts(ml="")),
    # -- multi-line reversed
    P("P31", "Question\n??\nAnswer", [("reversed", "Question", "Answer")]),
    P("P32", "Question line 1\nQuestion line 2\n??\nAnswer", [("reversed", "Question line 1 Question line 2", "Answer")]),
    P("P33", "Question\n??\nAnswer line 1\nAnswer line 2", [("reversed", "Question", "Answer line 1 Answer line 2")]),
    P("P34", "#Title\n\nLine0\nQ1\n??\nA1\nAnswerExtra\n\nQ2\n??\nA2",
      [("reversed", "Line0 Q1", "A1 AnswerExtra"), ("reversed", "Q2", "A2")]),
    P("P35", "Question\n??\nAnswer line 1\nAnswer line 2\n\n---", [("reversed", "Question", "Answer line 1 Answer line 2")],
      opts(cloze=[HL, BOLD, CURLY])),
    P("P36", "Question 1\n?\nAnswer line 1\nAnswer line 2\n\n---\nQuestion 2\n??\nAnswer line 1\nAnswer line 2\n---\n",
      [("basic", "Question 1", "Answer line 1 Answer line 2"), ("reversed", "Question 2", "Answer line 1 Answer line 2")],
      opts(cloze=[HL, BOLD, CURLY])),
    P("P37", "Question\n@@@\nAnswer\n---", [("reversed", "Question", "Answer")], opts(ml="@@", ml_rev="@@@")),
    P("P38", "line 1\n\n\nline 2\n\nQuestion 1?\n??\nAnswer to question 1\n????\nline 3\n\nline 4\n\nQuestion 2?\n??\n"
             "Answer to question 2\n????\nLine 5\n",
      [("basic", "Question 1?", "Answer to question 1"), ("basic", "Question 2?", "Answer to question 2")],
      opts(sep=":::", rev="::::", ml="??", ml_rev="???", end="????")),
    P("P39", "Question\n??\nAnswer", [], opts(ml_rev="\t")),
    # -- cloze: ==highlights==
    P("P40", "cloze ==deletion== test", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P41", f"cloze ==deletion== test\n{S2}", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P42", f"cloze ==deletion== test {S2}", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P43", "==this== is a ==deletion==\n", [("cloze", "{{c1::this}} is a {{c2::deletion}}")]),
    P("P44", "some text before\n\na deletion on\nsuch ==wow==\n\nmany text\nsuch surprise ==wow== more ==text==\n"
             "some text after\n\nHmm",
      [("cloze", "a deletion on such {{c1::wow}}"),
       ("cloze", "many text such surprise {{c1::wow}} more {{c2::text}} some text after")]),
    P("P45", "srdf ==", []),
    P("P46", "lorem ipsum ==p\ndolor won==", []),
    P("P47", "lorem ipsum ==dolor won=", []),
    P("P48", "cloze ==deletion== test", [], opts(end="", cloze=[BOLD, CURLY])),
    # -- cloze: **bold**
    P("P49", "cloze **deletion** test", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P50", f"cloze **deletion** test\n{S2}", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P51", f"cloze **deletion** test {S2}", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P52", "**this** is a **deletion**\n", [("cloze", "{{c1::this}} is a {{c2::deletion}}")]),
    P("P53", "some text before\n\na deletion on\nsuch **wow**\n\nmany text\nsuch surprise **wow** more **text**\n"
             "some text after\n\nHmm",
      [("cloze", "a deletion on such {{c1::wow}}"),
       ("cloze", "many text such surprise {{c1::wow}} more {{c2::text}} some text after")]),
    P("P54", "srdf **", []),
    P("P55", "lorem ipsum **p\ndolor won**", []),
    P("P56", "lorem ipsum **dolor won*", []),
    P("P57", "cloze **deletion** test", [], opts(end="", cloze=[HL, CURLY])),
    # -- cloze: {{curly}}
    P("P58", "cloze {{deletion}} test", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P59", f"cloze {{{{deletion}}}} test\n{S2}", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P60", f"cloze {{{{deletion}}}} test {S2}", [("cloze", "cloze {{c1::deletion}} test")]),
    P("P61", "{{this}} is a {{deletion}}\n", [("cloze", "{{c1::this}} is a {{c2::deletion}}")]),
    P("P62", "some text before\n\na deletion on\nsuch {{wow}}\n\nmany text\nsuch surprise {{wow}} more {{text}}\n"
             "some text after\n\nHmm",
      [("cloze", "a deletion on such {{c1::wow}}"),
       ("cloze", "many text such surprise {{c1::wow}} more {{c2::text}} some text after")]),
    P("P63", "srdf {{", []),
    P("P64", "srdf }}", []),
    P("P65", "lorem ipsum {{p\ndolor won}}", []),
    P("P66", "lorem ipsum {{dolor won}", []),
    P("P67", "cloze {{deletion}} test", [], opts(end="", cloze=[HL, BOLD])),
    # -- custom cloze patterns: Anki-like, and highlights with footnote hints and numbers
    P("P68", "Brazilians speak {{Portuguese::language}}", [("cloze", "Brazilians speak {{c1::Portuguese::language}}")],
      opts(sep="=", rev="==", end="", cloze=["{{[123::]answer[::hint]}}"])),
    P("P69", "Brazilians speak {{1::Portuguese}}\n\nBrazilians speak {{1::Portuguese::language}}",
      [("cloze", "Brazilians speak {{c1::Portuguese}}"), ("cloze", "Brazilians speak {{c1::Portuguese::language}}")],
      opts(sep="=", rev="==", end="", cloze=["{{[123::]answer[::hint]}}"])),
    P("P70", "Brazilians speak {{a::Portuguese}}\n\nBrazilians speak {{a::Portuguese::language}}",
      [("cloze", "Brazilians speak {{c1::a::Portuguese}}"), ("cloze", "Brazilians speak {{c1::a::Portuguese::language}}")],
      opts(sep="=", rev="==", end="", cloze=["{{[123::]answer[::hint]}}"])),
    P("P71", "Brazilians speak ==Portuguese==\n\nBrazilians speak ==Portuguese==^[language]",
      [("cloze", "Brazilians speak {{c1::Portuguese}}"), ("cloze", "Brazilians speak {{c1::Portuguese::language}}")],
      opts(end="", cloze=["==answer==[^\\[hint\\]][\\[^123\\]]"])),
    P("P72", "Brazilians speak ==Portuguese==[^1]\n\nBrazilians speak ==Portuguese==^[language][^1]",
      [("cloze", "Brazilians speak {{c1::Portuguese}}"), ("cloze", "Brazilians speak {{c1::Portuguese::language}}")],
      opts(end="", cloze=["==answer==[^\\[hint\\]][\\[^123\\]]"])),
    P("P73", "Brazilians speak ==Portuguese==[^a]\n\nBrazilians speak ==Portuguese==^[language][^a]",
      [("cloze", "Brazilians speak {{c1::Portuguese}}[^a]"), ("cloze", "Brazilians speak {{c1::Portuguese::language}}[^a]")],
      opts(end="", cloze=["==answer==[^\\[hint\\]][\\[^123\\]]"])),
    # -- combos
    P("P74", "cloze **deletion** test ==another deletion==!",
      [("cloze", "cloze {{c1::deletion}} test {{c2::another deletion}}!")]),
    P("P75", "Test 1\nTest 2\nThis is a cloze with ===secret=== text.\nWith this extra lines\n\nAnd more here.\n"
             "And even more.\n\n---\n\nTest 3\nTest 4\nThis is a cloze with ===super secret=== text.\n"
             "With this extra lines\n\nAnd more here.\nAnd even more.\n\n---\n\nHere is some more text.",
      [("cloze", "Test 1 Test 2 This is a cloze with ={{c1::secret}}= text. With this extra lines And more here. "
                 "And even more."),
       ("cloze", "Test 3 Test 4 This is a cloze with ={{c1::super secret}}= text. With this extra lines And more here. "
                 "And even more.")],
      opts(cloze=[HL])),
    P("P76", "cloze {{deletion}} test and **deletion** ==another deletion==!", [], opts(end="")),
    # -- a mix of card types
    P("P77", "# Lorem Ipsum\n\nLorem ipsum dolor ==sit amet==, consectetur ==adipiscing== elit.\n"
             "Duis magna arcu, eleifend rhoncus ==euismod non,==\nlaoreet vitae enim.\n\n"
             "Fusce placerat::velit in pharetra gravida\n\n"
             f"Donec dapibus ullamcorper aliquam.\n??\nDonec dapibus ullamcorper aliquam.\n{S2}",
      [("cloze", "Lorem ipsum dolor {{c1::sit amet}}, consectetur {{c2::adipiscing}} elit. Duis magna arcu, eleifend "
                 "rhoncus {{c3::euismod non,}} laoreet vitae enim."),
       ("basic", "Fusce placerat", "velit in pharetra gravida"),
       ("reversed", "Donec dapibus ullamcorper aliquam.", "Donec dapibus ullamcorper aliquam.")]),
    # -- code
    P("P78", "my inline question containing `some inline code` in it::and this is answer possibly containing "
             "`inline` code.",
      [("basic", "my inline question containing some inline code in it",
        "and this is answer possibly containing inline code.")]),
    P("P79", "this has some ==`inline`== code", [("cloze", "this has some {{c1::inline}} code")]),
    P("P80", "How do you ... Python?\n?\n```\nprint('Hello World!')\nprint('Howdy?')\nlambda x: x[0]\n```",
      [("basic", "How do you ... Python?", "print('Hello World!') print('Howdy?') lambda x: x[0]")]),
    P("P81", "How do you ... Python?\n?\n```python\nprint('Hello World!')\n\n\nprint('Howdy?')\n\nlambda x: x[0]\n```",
      [("basic", "How do you ... Python?", "print('Hello World!') print('Howdy?') lambda x: x[0]")]),
    P("P82", "Nested Markdown?\n?\n````ad-note\n\n```git\n+ print('hello')\n- print('world')\n```\n\n~~~python\n"
             "print('hello world')\n~~~\n````",
      [("basic", "Nested Markdown?", "```git + print('hello') - print('world') ``` ~~~python print('hello world') ~~~")]),
    # -- HTML comments
    P("P83", "<!--question::answer test-->", []),
    P("P84", "<!--question:::answer test-->", []),
    P("P85", "<!--\nQuestion\n?\nAnswer <!--SR:!2021-08-11,4,270-->\n-->", []),
    P("P86", "<!--\nQuestion\n?\nAnswer <!--SR:!2021-08-11,4,270-->\n\n<!--cloze ==deletion== test-->-->", []),
    P("P87", "<!--cloze ==deletion== test-->", []),
    P("P88", "<!--cloze **deletion** test-->", []),
    P("P89", "<!--cloze {{curly}} test-->", []),
    P("P90", "something something\n<!--cloze {{curly}} test-->", []),
    P("P91", "something something\n\n<!--cloze {{curly}} test-->\n\na::b", [("basic", "a", "b")]),
    # -- code blocks are never cards
    P("P92", "```\nCodeblockq::CodeblockA\n```", []),
    P("P93", "```\nCodeblockq:::CodeblockA\n```", []),
    P("P94", "# Title\n\n```markdown\nsome ==highlighted text==!\n```\n\nmore!", []),
    P("P95", "# Title\n```markdown\nsome **bolded text**!\n```\n\nmore!", []),
    P("P96", "# Title\n\n```\nfoo = {{'a': 2}}\n```\n\nmore!", []),
    P("P97", "`Inlineq::InlineA`", []),
    P("P98", "# Title\n`if (a & b) {}`\nmore!", [], opts(sep="&", end="", cloze=[HL, BOLD, CURLY])),
    P("P99", "Question::Answer\n\n```\nCodeblockq::CodeblockA\n```\n\n`Inlineq::InlineA`\n", [("basic", "Question", "Answer")]),
]

FOLDERS = {"convertFoldersToDecks": True}
FM_HEAP = "---\ncreated: 2024-03-11 10:41\ntags:\n  - flashcards\n  - data-structure\n---\n"
HEAP_A = ("In computer-science, a *heap* is a tree-based data-structure, that satisfies the *heap property*. "
          "A heap is a complete *binary-tree*!")
HEAP_A_TEXT = HEAP_A.replace("*", "")


def N(id: str, text: str, expected: list[tuple], settings: dict | None = None, folder: str = "",
      schedule: list | None = None) -> Case:
    return Case(id, text, expected, settings, folder, parser_only=False, schedule=schedule)


CASES += [
    N("N01", "An interesting note, but no questions", []),
    N("N02", "A::B", []),
    N("N03", "#flashcards\nA::B\n", [("basic", "A", "B", "")]),
    N("N04", "#flashcards/test\nA::B\n<!--SR:!2023-09-03,1,230-->\n    ", [("basic", "A", "B", "test")],
      schedule=[(("2023-09-03", 1, 230),)]),
    N("N05", "#flashcards/science #flashcards/poetry\nA::B\n    ", [("basic", "A", "B", "science|poetry")]),
    N("N06", FM_HEAP + "#2024/03-11\n\n**What is a Heap?**\n?\n" + HEAP_A + "\n    ",
      [("basic", "What is a Heap?", HEAP_A_TEXT, "")]),
    N("N07", "#flashcards\nA:::B\n<!--SR:!2000-01-01,1,250!fsrs,2023-09-06T00:10:00.000Z,0,0.4,5.5,1,1,0,1,"
             "2023-09-06T00:00:00.000Z-->\n", [("reversed", "A", "B", "")], schedule=[(("2000-01-01", 1, 250), None)]),
    N("N08", "#flashcards\nA:::B\n<!--SR:!fsrs,2023-09-06T00:10:00.000Z,0,0.4,5.5,1,1,0,1,2023-09-06T00:00:00.000Z"
             "!2000-01-01,1,250-->\n", [("reversed", "A", "B", "")], schedule=[(None, ("2000-01-01", 1, 250))]),
    N("N09", "#flashcards\nA::B ^d7cee0\n", [("basic", "A", "B", "")]),
    N("N10", "#flashcards/test\nA::B ^d7cee0\n<!--SR:!2023-09-03,1,230-->\n    ", [("basic", "A", "B", "test")],
      schedule=[(("2023-09-03", 1, 230),)]),
    N("N11", "#flashcards/test\nA::B <!--SR:!2023-09-03,1,230--> ^d7cee0\n    ", [("basic", "A", "B", "test")],
      schedule=[(("2023-09-03", 1, 230),)]),
    N("N12", "\n#flashcards/test A::B <!--SR:!2023-09-03,1,230--> ^d7cee0\n    ", [("basic", "A", "B", "test")],
      schedule=[(("2023-09-03", 1, 230),)]),
    N("N13", "#flashcards/test\nQ1::A1\nQ2::A2\n", [("basic", "Q1", "A1", ""), ("basic", "Q2", "A2", "")], FOLDERS),
    N("N14", "#flashcards\nQ1::A1\nQ2::A2\nQ3::A3\n", [("basic", f"Q{k}", f"A{k}", "flashcards/science") for k in (1, 2, 3)],
      FOLDERS, folder="flashcards/science"),
    N("N15", "---\nsr-due: 2024-01-17\nsr-interval: 16\nsr-ease: 278\ntags:\n  - flashcards/aws\n---\nQ1::A1\nQ2::A2\nQ3::A3\n",
      [("basic", f"Q{k}", f"A{k}", "aws") for k in (1, 2, 3)]),
    N("N16", "\n#flashcards/test/b853\n\nQuestion::Answer\n\nMultiline question\n ?\nMultiline answer\n\n"
             "Multiline question2\n ??\nMultiline answer2\n\n",
      [("basic", "Question", "Answer", "test/b853"), ("basic", "Multiline question", "Multiline answer", "test/b853"),
       ("reversed", "Multiline question2", "Multiline answer2", "test/b853")]),
    N("N17", "#flashcards\n\n    Q1::A1\n    Q2::A2\n    Q3::A3\n    ",
      [("basic", f"Q{k}", f"A{k}", "folder/subfolder") for k in (1, 2, 3)], FOLDERS, folder="folder/subfolder"),
    N("N18", "#flashcards/test\nQ1::A1\n    ", [("basic", "Q1", "A1", "folder/subfolder")], FOLDERS,
      folder="folder/subfolder"),
    N("N19", "\n#flashcards/test Q1::A1\n    ", [("basic", "Q1", "A1", "folder/subfolder")], FOLDERS,
      folder="folder/subfolder"),
    N("N20", "#flashcards/test\n    Q1::A1\n    Q2::A2\n    Q3::A3\n    ",
      [("basic", f"Q{k}", f"A{k}", "test") for k in (1, 2, 3)]),
    N("N21", "---\ncreated: 2023-10-26T07:34\n---\n#flashcards/English\n\n## taunting & teasing & irony & sarcasm\n\n"
             "Stop trying ==to milk the crowd== for sympathy. // доить толпу\n",
      [("cloze", "Stop trying {{c1::to milk the crowd}} for sympathy. // доить толпу", "", "English")]),
    N("N22", "#flashcards/test\n    Q1::A1\n    #flashcards/examination Q2::A2\n"
             "    Q3::This has the \"flashcards/test\" topic, not \"flashcards/examination\"\n    ",
      [("basic", "Q1", "A1", "test"), ("basic", "Q2", "A2", "examination"),
       ("basic", "Q3", "This has the \"flashcards/test\" topic, not \"flashcards/examination\"", "test")]),
    N("N23", "\n    Q1::A1 This has the \"flashcards/test\" topic, even though the first topic tag is after this line in "
             "the file\n    #flashcards/test\n    Q2::A2\n    Q3::A3\n    ",
      [("basic", "Q1", "A1 This has the \"flashcards/test\" topic, even though the first topic tag is after this line "
                       "in the file", "test"), ("basic", "Q2", "A2", "test"), ("basic", "Q3", "A3", "test")]),
    N("N24", "\n    Q1::A1\n    #flashcards/test\n    Q2::A2\n    #flashcards/examination\n"
             "    Q3::This has the \"flashcards/examination\" topic, not \"flashcards/test\"\n    ",
      [("basic", "Q1", "A1", "test"), ("basic", "Q2", "A2", "test"),
       ("basic", "Q3", "This has the \"flashcards/examination\" topic, not \"flashcards/test\"", "examination")]),
    N("N25", "\n            #flashcards/science Q5::A5 <!--SR:!2023-09-02,4,270-->\n    ",
      [("basic", "Q5", "A5", "science")], schedule=[(("2023-09-02", 4, 270),)]),
    N("N26", "---\nTitle: \"Aegon's Conquest: 2BC-1AC\"\nAuthors: \"GRRM\"\nYear: 2019\nURL:\nDOI:\n"
             "Unique Citekey: AegonsConquest2BC1AC\nZotero Link: zotero://select/items/@AegonsConquest2BC1AC\n---\n"
             "> [!PDF|255, 208, 0] [[Aegon's Conquest_ 2BC - 1AC.pdf#page=10&annotation=1440R|Aegon's Conquest_ 2BC - "
             "1AC, page 10]]\n> > Aegon's Conquest also known as the War of Conquest, was the first of the Wars of "
             "Conquest.\n\nWhat year did Aegon's Conquest start?::2BC #flashcards\n",
      [("basic", "What year did Aegon's Conquest start?", "2BC #flashcards", "")]),
    N("N27", FM_HEAP + "**What is a Heap?**\n?\n" + HEAP_A + "\n", [("basic", "What is a Heap?", HEAP_A_TEXT, "")]),
    N("N28", FM_HEAP + "?\nA1\n\nQ2\n?\nA2\n    ", [("basic", "Q2", "A2", "")]),
    N("N29", FM_HEAP + "In computer-science, a *heap* is::a tree-based data-structure\nA::B\n    ",
      [("basic", "In computer-science, a heap is", "a tree-based data-structure", ""), ("basic", "A", "B", "")]),
]

#: Cases where notedeck gives other cards than OSR on purpose, with the reason (the README repeats them).
KNOWN = {
    "N05": "one card is one Anki note in one deck: a card under two deck tags goes to the first",
    "N17": "lines indented 4 spaces after a blank line are an indented code block in Markdown (Obsidian shows code): "
           "never a card; notedeck says so (indented-card)",
    "N23": "same: an indented code block (indented-card), so no cards",
    "N24": "same: an indented code block (indented-card), so no cards",
    "N25": "same: an indented code block (indented-card), so no card",
    "P75": "with an end marker, OSR lets a cloze run over blank lines up to the marker; notedeck's cloze is one "
           "paragraph (a multi-line card does run to the marker)",
}
