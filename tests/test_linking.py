"""Which actor, money and date each measure is linked to: the choices of `dims/measure/linking.py`.

Asserted through the public output (`extract`), so that the tests hold whatever way the links
are stored inside the Doc.
"""

from __future__ import annotations

from plan_extract.api import extract
from plan_extract.models import Extraction, Measure

REFERENCE = "2024-03-12"


def _measure(result: Extraction, words: str) -> Measure:
    found = [m for m in result.measures if words in m.text]
    assert len(found) == 1, [m.text for m in result.measures]
    return found[0]


def _actors(result: Extraction, measure: Measure) -> list[str]:
    names = {a.id: a.name for a in result.actors}
    return [names[i] for i in measure.actors]


def test_verbless_measure_takes_the_subject_of_its_sentence() -> None:
    result = extract("La ville de Rochebrune présente son budget.\n\nAvec des crédits à hauteur de 4,2 millions "
                     "d'euros, la ville veut rénover ses écoles.", document_date=REFERENCE)
    measure = _measure(result, "4,2 millions")
    assert _actors(result, measure) == ["ville de Rochebrune"]


def test_a_supporting_body_is_no_actor() -> None:
    result = extract("Un programme de rénovation des façades sera conduit en 2025 avec le soutien de la "
                     "Banque des territoires.", document_date=REFERENCE)
    measure = _measure(result, "programme de rénovation")
    assert _actors(result, measure) == []
    assert [d.text for d in result.dates if d.id in measure.dates] == ["2025"]


def test_the_body_before_a_passive_verb_is_its_patient() -> None:
    result = extract("Un groupe de travail associant la gendarmerie, le parquet et les bailleurs sociaux "
                     "est mis en place.", document_date=REFERENCE)
    measure = _measure(result, "groupe de travail")
    assert "bailleurs sociaux" not in _actors(result, measure)


CARRIED = """Le budget de la communauté de communes du Val d'Arly

La communauté de communes du Val d'Arly va ouvrir une maison de santé en 2025. La communauté de communes du \
Val d'Arly a recruté deux animateurs de prévention. La communauté de communes du Val d'Arly financera 300 000 \
euros de travaux de voirie.

Par ailleurs, un second parking relais sera construit près de la gare.
"""


def test_the_body_acting_in_most_measures_carries_those_without_actor() -> None:
    result = extract(CARRIED, document_date=REFERENCE)
    measure = _measure(result, "parking relais")
    assert _actors(result, measure) == ["communauté de communes du Val d'Arly"]


SIDE_BY_SIDE = """Le financement du nouveau pôle d'échanges

La Région Bretagne financera la gare routière. Le département du Morbihan construira un parking relais. \
La commune de Vannes aménagera le parvis.

Par ailleurs, trois abris à vélos seront installés devant l'entrée.
"""


def test_no_carrier_when_bodies_act_side_by_side() -> None:
    result = extract(SIDE_BY_SIDE, document_date=REFERENCE)
    measure = _measure(result, "abris à vélos")
    assert _actors(result, measure) == []


def test_a_topic_phrase_dates_its_sentence_not_the_comparison() -> None:
    result = extract("Pour 2026, le budget de la commune s'élève à 12 millions d'euros, en hausse de 2 % par "
                     "rapport à 2025.", document_date=REFERENCE)
    measure = _measure(result, "12 millions")
    assert [d.text for d in result.dates if d.id in measure.dates] == ["2026"]


def test_a_merged_restatement_keeps_one_time() -> None:
    result = extract("Une brigade canine sera créée en 2025 à Lens. Cette brigade canine sera créée dès janvier "
                     "pour les patrouilles de nuit.", document_date=REFERENCE)
    measure = _measure(result, "brigade canine sera créée en 2025")
    assert measure.evidence, "the restatement is merged into the first mention"
    assert [d.text for d in result.dates if d.id in measure.dates] == ["2025"]


SHEET = """Réduire les déchets verts

Présentation de l'action

Des broyeurs de branches seront installés dans chaque quartier. Une campagne de compostage partagé sera \
aussi lancée auprès des habitants.

Porteur de projet

- Mairie de Plouvern

Moyens financiers

- 12 000 €/an broyeurs
- 3 000 € compostage

Calendrier

- 2025-2027 Campagne de compostage partagé
"""


def test_an_action_sheet_gives_its_carrier_and_money_to_the_measures_it_names() -> None:
    result = extract(SHEET, document_date=REFERENCE)
    money = {m.id: m.text for m in result.money}
    broyage = _measure(result, "broyeurs de branches")
    compost = _measure(result, "compostage partagé sera")
    assert [money[i] for i in broyage.money] == ["12 000 €"]
    assert [money[i] for i in compost.money] == ["3 000 €"]
    assert _actors(result, compost) == ["Mairie de Plouvern"]


def test_sheet_fields_are_read_under_their_headings() -> None:
    from plan_extract.dims.measure.linking import sheet_fields

    text = "Budget : 40 000 €\n\nMaître d'ouvrage\n\n- Syndicat des eaux\n- Commune de Brest\n\nCibles\n\n- habitants"
    fields = sheet_fields(text)
    assert [text[s:e] for s, e in fields["money"]] == [" 40 000 €"]
    assert [text[s:e] for s, e in fields["carrier"]] == ["- Syndicat des eaux", "- Commune de Brest"]


def test_the_body_that_funds_is_the_actor() -> None:
    result = extract("La convention prévoit une subvention de la Caisse des dépôts à hauteur de 3 millions "
                     "d'euros.", document_date=REFERENCE)
    measure = _measure(result, "subvention")
    assert _actors(result, measure) == ["Caisse des dépôts"]


def test_a_body_that_receives_is_no_actor() -> None:
    result = extract("Ce dispositif permettra d'accompagner 120 communes rurales dans leurs projets.",
                     document_date=REFERENCE)
    measure = _measure(result, "120 communes")
    assert "communes rurales" not in _actors(result, measure)


def test_a_pronominal_pronoun_subject_stands_for_the_body_before() -> None:
    result = extract("« La Région Normandie s'est aussi engagée », a rappelé le maire. Elle s'est mobilisée à "
                     "hauteur de 2 millions d'euros.", document_date=REFERENCE)
    measure = _measure(result, "2 millions")
    assert _actors(result, measure) == ["Région Normandie"]


def _dates(result: Extraction, measure: Measure) -> list[str]:
    return [d.text for d in result.dates if d.id in measure.dates]


def test_a_coordinated_verb_without_its_own_subject_dates_the_measure() -> None:
    result = extract("Le conseil départemental a préparé et adopté le 4 février son schéma routier 2024-2030.",
                     document_date=REFERENCE)
    measure = _measure(result, "schéma routier")
    assert _dates(result, measure) == ["4 février"]


def test_the_year_a_figure_is_compared_with_is_not_its_time() -> None:
    result = extract("Cette année, la commune consacre 2 millions d'euros à la voirie, soit 300 000 euros de plus "
                     "qu'en 2023.", document_date=REFERENCE)
    measure = _measure(result, "2 millions")
    assert _dates(result, measure) == ["Cette année"]


def test_a_comparison_alone_gives_no_time() -> None:
    result = extract("La commune consacre 2 millions d'euros à la voirie, en hausse de 5 % par rapport à 2023.",
                     document_date=REFERENCE)
    measure = _measure(result, "2 millions")
    assert _dates(result, measure) == []


def test_a_bracketed_reference_to_another_article_gives_no_link() -> None:
    result = extract("La métropole a décidé d'aider la rénovation de trois lycées (voir notre article du 12 mars "
                     "2023).", document_date=REFERENCE)
    assert [d.text for d in result.dates] == ["12 mars 2023"]
    measure = _measure(result, "trois lycées")
    assert _dates(result, measure) == []


HEADINGS = """La ville de Montfort

Le dossier majeur : l'ouverture du Musée, avec une programmation culturelle à venir.

Présentation, par Paul Durand et Anne Morel, de l'attribution des subventions aux associations œuvrant dans \
le domaine de la culture et du patrimoine

Grâce à ces aides, la commune soutient notamment trois rencontres qui auront lieu cet automne.
"""


def test_a_subject_across_a_heading_is_a_misparse() -> None:
    # The parser hangs the first heading's noun on the last paragraph's verb as a second subject.
    result = extract(HEADINGS, document_date=REFERENCE)
    measure = _measure(result, "trois rencontres")
    assert _actors(result, measure) == []


def test_a_speaker_without_a_role_does_not_carry_the_measure() -> None:
    result = extract("Lucie Marchal a rappelé l'ambition du programme, dont les investissements s'élèvent à 40 "
                     "millions d'euros.", document_date=REFERENCE)
    measure = _measure(result, "40 millions")
    assert _actors(result, measure) == []


def test_a_speaker_stands_for_the_body_their_role_names() -> None:
    result = extract("La Caisse d'allocations familiales (CAF) du Gard renforce son aide aux familles. L'enveloppe "
                     "des aides au logement atteint 2 millions d'euros, a rappelé le directeur de la CAF, Paul Morel.",
                     document_date=REFERENCE)
    measure = _measure(result, "2 millions")
    assert _actors(result, measure) == ["Caisse d'allocations familiales du Gard"]


def test_members_of_a_unit_act_as_that_unit() -> None:
    result = extract("La gendarmerie de l'Hérault intensifie ses contrôles. Mardi soir, des gendarmes du Psig de "
                     "Lunel, qui mènent une opération de contrôle sur l'autoroute, arrêtent une voiture.",
                     document_date=REFERENCE)
    measure = _measure(result, "opération de contrôle")
    assert _actors(result, measure) == ["Psig de Lunel"]


def test_an_incise_between_subject_and_verb_is_skipped() -> None:
    from plan_extract.dims.measure.linking import _incise_start
    from plan_extract.pipeline import get_nlp

    doc = get_nlp()("Le syndicat, en lien avec les communes riveraines, a lancé un plan.")
    commas = [t.i for t in doc if t.text == ","]
    assert _incise_start(doc, commas[1]) == commas[0]
    assert _incise_start(doc, commas[0]) == commas[0] + 1  # no comma opens it


LIST = """Face à la sécheresse, le préfet du Cher a renforcé les restrictions d'eau. Les cours d'eau restent très bas.

- Pour les agriculteurs, les prélèvements d'eau sont réduits de 30 %.

- Le remplissage des piscines privées est interdit.
"""


def test_list_items_take_the_body_of_the_paragraph_announcing_them() -> None:
    result = extract(LIST, document_date=REFERENCE)
    for words in ("prélèvements", "piscines"):
        assert _actors(result, _measure(result, words)) == ["préfet du Cher"]


def test_a_first_person_subject_is_not_the_person_named_before() -> None:
    result = extract("Lors du dernier conseil, Marc Olivier a présenté le budget de la commune. Nous avons voté la "
                     "rénovation de la piscine municipale.", document_date=REFERENCE)
    measure = _measure(result, "piscine municipale")
    assert _actors(result, measure) == []
