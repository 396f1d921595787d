"""The search index for staff (checks/site/search.py): folded letters and glossary groups."""

from checks.site.search import fold_index, folded_words, synonym_groups


def test_folded_words_are_added_once_and_only_for_words_with_norwegian_letters():
    assert folded_words("Tromsø og <b>Lødingen</b>, Tromsø igjen; Narvik") == ["tromso", "lodingen"]
    data = {"docs": [{"title": "Tromsø", "text": "<p>Kommunen Tromsø</p>"}, {"title": "Narvik", "text": "x"}]}
    out = fold_index(data)
    assert out["docs"][0]["text"].endswith('<p class="sh-folded">tromso</p>')
    assert out["docs"][1]["text"] == "x"


def test_a_glossary_group_makes_each_spelling_find_the_pages_of_the_others():
    groups = synonym_groups([{"term": "Utskrivningsklar", "also": ["utskrivningsklare pasienter"]},
                             {"term": "Applikasjonskvittering", "also": ["AppRec"]}, {"term": "alene"}])
    assert ["utskrivningsklar", "utskrivningsklare"] in groups  # not «pasienter»
    assert ["applikasjonskvittering", "apprec"] in groups
    data = {"docs": [{"title": "Svar", "text": "Pasienten er utskrivningsklar."}, {"title": "AppRec", "text": ""}]}
    out = fold_index(data, groups)
    assert "utskrivningsklare" in out["docs"][0]["text"]
    assert "applikasjonskvittering" in out["docs"][1]["text"]
