"""Measures: one test per construction, with the links asserted (not only the count).

The value fields of each construction are also in `dims/measure/examples.toml`; here we check
what the table cannot: the linked mentions, merging of restatements, the plan object and the
behaviour without the other components.
"""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc, Span

from plan_extract.api import make_doc
from plan_extract.spans import linked

REFERENCE = "2024-03-12"


def _measures(nlp: Language, text: str) -> tuple[Doc, list[Span]]:
    doc = nlp(make_doc(text, REFERENCE))
    return doc, list(doc.spans["measure"])


def _linked(doc: Doc, span: Span, kind: str) -> list[str]:
    return [linked(span, ref).text for ref in span._.measure["links"][kind]]


def _only(spans: list[Span]) -> Span:
    assert len(spans) == 1, [s.text for s in spans]
    return spans[0]


def test_passive_links_agent_date_and_quantity(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Trois nouveaux médiateurs ont été recrutés par la mairie de Nantes en février.")
    measure = _only(spans)
    assert _linked(doc, measure, "actors") == ["mairie de Nantes"]
    assert _linked(doc, measure, "dates") == ["février"]
    assert _linked(doc, measure, "quantities") == ["Trois nouveaux médiateurs"]
    assert measure._.measure["status"] == "done"


def test_future_links_subject_place_and_interval(nlp: Language) -> None:
    doc, spans = _measures(nlp, "La préfecture déploiera vingt gendarmes supplémentaires à Vierzon dès le mois d'avril.")
    measure = _only(spans)
    assert _linked(doc, measure, "actors") == ["préfecture"]
    assert _linked(doc, measure, "quantities") == ["vingt gendarmes"]
    assert _linked(doc, measure, "dates") == ["dès le mois d'avril"]
    assert _linked(doc, measure, "locations") == ["Vierzon"]
    assert measure._.measure["status"] == "planned"


def test_verbless_clause_links_its_complements(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Ouverture d'une maison de santé à Guéret en 2025.")
    measure = _only(spans)
    assert measure._.measure["action"] == "ouverture"
    assert _linked(doc, measure, "dates") == ["2025"]
    assert _linked(doc, measure, "locations") == ["Guéret"]
    assert _linked(doc, measure, "actors") == []


def test_coordinated_actions_are_separate_and_share_the_subject(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Le conseil départemental va rénover le collège Jean-Jaurès et construire un gymnase.")
    assert [s.text for s in spans] == ["Le conseil départemental va rénover le collège Jean-Jaurès",
                                       "construire un gymnase"]
    assert [s._.measure["label"] for s in spans] == ["réhabilitation du collège Jean-Jaurès", "construction d'un gymnase"]
    for measure in spans:
        assert _linked(doc, measure, "actors") == ["conseil départemental"]
        assert measure._.measure["status"] == "planned"


def test_topic_phrase_names_the_actor(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Côté gendarmerie, une brigade motorisée est en service depuis septembre 2023.")
    measure = _only(spans)
    assert measure.text == "une brigade motorisée est en service depuis septembre 2023"
    assert _linked(doc, measure, "actors") == ["gendarmerie"]
    assert _linked(doc, measure, "dates") == ["depuis septembre 2023"]
    assert measure._.measure["status"] == "ongoing"


def test_relative_clause_is_a_measure_on_its_antecedent(nlp: Language) -> None:
    doc, spans = _measures(nlp, "La brigade de Vierzon, qui sera renforcée par quatre gendarmes en juin, couvre onze communes.")
    measure = _only(spans)
    # The clause starts at the noun it describes: the measure is about that brigade.
    assert measure.text == "La brigade de Vierzon, qui sera renforcée par quatre gendarmes en juin"
    assert measure._.measure["object"] == "La brigade de Vierzon"
    assert _linked(doc, measure, "dates") == ["juin"]
    assert _linked(doc, measure, "quantities") == ["quatre gendarmes"]
    # "onze communes" belongs to the main clause, which is no measure.
    assert "onze communes" not in _linked(doc, measure, "quantities")


def test_funding_links_money_duration_and_targets(nlp: Language) -> None:
    text = ("L'Agence régionale de santé va consacrer 300 000 euros sur deux ans à un programme "
            "de prévention des addictions destiné aux collégiens.")
    doc, spans = _measures(nlp, text)
    measure = _only(spans)
    value = measure._.measure
    assert value["category"] == "funding"
    assert value["label"] == "financement d'un programme de prévention des addictions destiné aux collégiens"
    assert value["targets"] == ["collégiens"]
    assert _linked(doc, measure, "money") == ["300 000 euros"]
    assert _linked(doc, measure, "dates") == ["deux ans"]
    assert _linked(doc, measure, "actors") == ["Agence régionale de santé"]


def test_sentence_scope_date_reaches_the_clause(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Depuis le 1er janvier, 40 contrôles routiers ont été menés sur la RN 7.")
    measure = _only(spans)
    assert measure.text.startswith("40 contrôles routiers")
    assert _linked(doc, measure, "dates") == ["Depuis le 1er janvier"]


def test_restated_action_is_merged_with_both_evidence_spans(nlp: Language) -> None:
    text = "Une brigade canine a été créée à Tulle. Les élus ont salué la création de cette brigade canine."
    doc, spans = _measures(nlp, text)
    measure = _only(spans)
    assert measure.text == "Une brigade canine a été créée à Tulle"
    evidence = [linked(measure, ref).text for ref in measure._.measure["evidence"]]
    assert evidence == ["Les élus ont salué la création de cette brigade canine"]


def test_coordinated_main_clauses_split_their_links(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Un exercice d'évacuation est programmé en juin à Figeac, et la sirène sera testée chaque mois.")
    assert [s.text for s in spans] == ["Un exercice d'évacuation est programmé en juin à Figeac",
                                       "la sirène sera testée chaque mois"]
    assert _linked(doc, spans[0], "dates") == ["juin"]
    assert _linked(doc, spans[0], "locations") == ["Figeac"]
    assert _linked(doc, spans[1], "dates") == ["chaque mois"]
    assert _linked(doc, spans[1], "locations") == []


def test_listed_amounts_are_funding_measures(nlp: Language) -> None:
    text = "Le budget s'élève à 3 millions d'euros, dont 800 000 euros pour la piscine et 250 000 euros pour l'éclairage public."
    doc, spans = _measures(nlp, text)
    assert [_linked(doc, s, "money") for s in spans] == [["3 millions d'euros"], ["800 000 euros"], ["250 000 euros"]]
    assert [s._.measure["label"] for s in spans][1:] == ["financement de la piscine", "financement de l'éclairage public"]


def test_listed_actions_share_the_sentence_actor(nlp: Language) -> None:
    text = ("L'ARS consacre 90 000 euros à la prévention : campagne d'information, "
            "formation de 50 bénévoles et ouverture d'une ligne d'écoute.")
    doc, spans = _measures(nlp, text)
    assert [s._.measure["action"] for s in spans] == ["consacrer", "campagne", "formation", "ouverture"]
    assert _linked(doc, spans[0], "money") == ["90 000 euros"]
    assert _linked(doc, spans[2], "quantities") == ["50 bénévoles"]
    for measure in spans:
        assert _linked(doc, measure, "actors") == ["ARS"]


def test_negated_action_is_no_measure(nlp: Language) -> None:
    _, spans = _measures(nlp, "L'association ne sera pas financée cette année.")
    assert spans == []


def test_plan_object(nlp: Language) -> None:
    text = ("Le préfet du Cher a présenté jeudi un plan de lutte contre les rodéos urbains. "
            "Dix motos tout-terrain seront achetées pour la police municipale.")
    doc, spans = _measures(nlp, text)
    name = _only(list(doc.spans["plan"]))
    plan = name._.plan
    assert plan["name"] == "plan de lutte contre les rodéos urbains"
    assert name.text == "plan de lutte contre les rodéos urbains"
    assert [linked(name, ref).text for ref in plan["links"]["actor"]] == ["préfet du Cher"]
    assert [linked(name, ref).text for ref in plan["links"]["date"]] == ["jeudi"]
    assert [(m.start, m.end) for m in (linked(name, ref) for ref in plan["measures"])] == [(s.start, s.end) for s in spans]
    assert any(s._.measure["action"] == "acheter" for s in spans)


def test_no_plan_without_a_presenting_verb(nlp: Language) -> None:
    doc, _ = _measures(nlp, "Le plan de circulation reste inchangé.")
    assert list(doc.spans["plan"]) == []


@pytest.mark.parametrize("text", ["Trois médiateurs ont été recrutés par la mairie de Nantes en février."])
def test_works_without_the_other_components(nlp: Language, text: str) -> None:
    others = [name for name in nlp.pipe_names if name.startswith("plan_") and name != "plan_measure"]
    with nlp.select_pipes(disable=others):
        doc = nlp(text)
    measure = _only(list(doc.spans["measure"]))
    assert measure._.measure["action"] == "recruter"
    assert all(refs == [] for refs in measure._.measure["links"].values())


# Link precision: one actor, one date, one budget per measure.

def test_coordinated_subject_links_its_first_body(nlp: Language) -> None:
    doc, spans = _measures(nlp, "La préfecture de la Manche et le conseil départemental lancent un dispositif d'aide aux éleveurs.")
    measure = _only(spans)
    assert _linked(doc, measure, "actors") == ["préfecture de la Manche"]


def test_one_date_the_one_that_places_the_measure(nlp: Language) -> None:
    # A frequency comes after an interval; a comparison ("contre ... en 2022") is no date of the measure.
    doc, spans = _measures(nlp, "Les centres de dépistage resteront ouverts chaque samedi jusqu'à fin juin.")
    assert _linked(doc, _only(spans), "dates") == ["jusqu'à fin juin"]
    doc, spans = _measures(nlp, "La mairie a ouvert deux gymnases en 2024, contre un seul en 2022.")
    assert _linked(doc, _only(spans), "dates") == ["2024"]
    doc, spans = _measures(nlp, "Le conseil départemental du Cher se réunira le 3 juin, deux semaines après le vote du budget.")
    assert _linked(doc, _only(spans), "dates") == ["3 juin"]


def test_attribute_verb_with_misplaced_finite_verb_keeps_subject_and_tense(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Les centres de dépistage resteront ouverts chaque samedi jusqu'à fin juin.")
    value = _only(spans)._.measure
    assert value["label"] == "ouverture des centres de dépistage"
    assert value["status"] == "planned"


def test_pronoun_subject_carries_the_previous_body(nlp: Language) -> None:
    doc, spans = _measures(nlp, "La préfecture du Cher a créé une cellule de crise. Elle renforcera les contrôles sur les marchés.")
    assert [_linked(doc, s, "actors") for s in spans] == [["préfecture du Cher"], ["préfecture du Cher"]]


def test_subject_of_its_own_stops_the_carried_body(nlp: Language) -> None:
    doc, spans = _measures(nlp, "La préfecture du Cher a créé une cellule de crise. Des bénévoles interviendront dans les écoles.")
    assert [_linked(doc, s, "actors") for s in spans] == [["préfecture du Cher"], []]


def test_body_of_a_thing_noun_is_its_actor(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Une vingtaine d'opérations de gendarmerie ont été menées sur les marchés de Bourges.")
    assert _linked(doc, _only(spans), "actors") == ["gendarmerie"]


def test_subject_of_an_intransitive_verb_is_its_actor(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Le conseil départemental du Cher se réunira le 3 juin.")
    assert _linked(doc, _only(spans), "actors") == ["conseil départemental du Cher"]


def test_future_verb_misparsed_as_participle_keeps_its_subject(nlp: Language) -> None:
    # The parser hangs "financera" on "eau" as a participle; the body before it still acts.
    doc, spans = _measures(nlp, "L'Agence de l'eau financera la restauration des berges de la Loire.")
    measure = _only(spans)
    assert _linked(doc, measure, "actors") == ["Agence de l'eau"]
    assert measure._.measure["status"] == "planned"
    assert measure._.measure["label"] == "financement de la restauration des berges de la Loire"


def test_anaphoric_subject_shares_the_time_of_the_measure_before(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Depuis mars 2022, les douaniers ont mené 80 contrôles sur le port. "
                                "Ces contrôles ont permis la saisie de 12 kilos de résine.")
    assert len(spans) == 2, [s.text for s in spans]
    assert _linked(doc, spans[0], "dates") == ["Depuis mars 2022"]
    assert _linked(doc, spans[1], "dates") == ["Depuis mars 2022"]


def test_pronoun_subject_shares_the_time_of_the_measure_before(nlp: Language) -> None:
    doc, spans = _measures(nlp, "En 2023, les gendarmes ont conduit 40 opérations. Elles ont abouti à la saisie de 9 armes.")
    assert [_linked(doc, s, "dates") for s in spans] == [["2023"], ["2023"]]


def test_demonstrative_on_something_else_stops_the_actor_carry(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Le conseil départemental du Gers financera dix ateliers pour les seniors. "
                                "L'ensemble de ces mesures sera suivi de près.")
    assert _linked(doc, spans[0], "actors") == ["conseil départemental du Gers"]
    assert _linked(doc, spans[-1], "actors") == []


def test_event_subject_reports_no_measure(nlp: Language) -> None:
    _, spans = _measures(nlp, "La décision intervient deux semaines après l'incendie du gymnase.")
    assert spans == []
    _, spans = _measures(nlp, "Des médiateurs interviendront devant les collèges de Vierzon.")
    assert [s._.measure["action"] for s in spans] == ["intervenir"]


def test_lease_termination_is_done_by_the_landlord_named_elsewhere(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Les bailleurs sociaux et la mairie de Dreux ont signé une convention. "
                                "Les occupants condamnés pour trafic perdront leur bail.")
    measure = next(s for s in spans if s._.measure["label"].startswith("résiliation"))
    assert _linked(doc, measure, "actors") == ["bailleurs sociaux"]
    assert measure._.measure["status"] == "planned"  # "perdront", whatever the tagger says


def test_unit_a_body_has_is_the_object(nlp: Language) -> None:
    doc, spans = _measures(nlp, "La police municipale de Tours dispose désormais d'une brigade cynophile.")
    measure = _only(spans)
    assert measure._.measure["label"] == "mise en service d'une brigade cynophile"
    assert _linked(doc, measure, "actors") == ["police municipale de Tours"]


def test_common_noun_subject_links_the_body_named_in_full_before(nlp: Language) -> None:
    # "La ville" names the city the text called "la ville de Rennes" two sentences before,
    # even with another body's measure in between.
    doc, spans = _measures(nlp, "La ville de Rennes a voté son budget en mars. Le préfet a signé un arrêté de "
                                "fermeture. La ville soutient aussi trois festivals de musique.")
    last = spans[-1]
    assert last.text == "La ville soutient aussi trois festivals de musique"
    assert _linked(doc, last, "actors") == ["ville de Rennes"]


def test_date_of_a_comparison_gives_way_to_the_sentence_opening(nlp: Language) -> None:
    doc, spans = _measures(nlp, "En 2024, le budget de la ville s'élève à 98 millions d'euros, en hausse de 3 % "
                                "par rapport à 2023.")
    measure = _only(spans)
    assert _linked(doc, measure, "money") == ["98 millions d'euros"]
    assert _linked(doc, measure, "dates") == ["2024"]


def test_funded_noun_links_its_own_amount(nlp: Language) -> None:
    doc, spans = _measures(nlp, "Le conseil a voté la répartition suivante : un soutien aux centres sociaux à "
                                "hauteur de 2,1 millions d'euros, et une aide aux familles.")
    funded = next(s for s in spans if s.text.startswith("un soutien"))
    assert _linked(doc, funded, "money") == ["2,1 millions d'euros"]


def test_detached_participle_starts_at_the_noun_it_describes(nlp: Language) -> None:
    _, spans = _measures(nlp, "Le maire salue le travail de la régie des eaux (service public), créée en 2012.")
    created = _only(spans)
    assert created.text == "la régie des eaux (service public), créée en 2012"


def test_presented_noun_is_the_action(nlp: Language) -> None:
    _, spans = _measures(nlp, "Trois chantiers sont prioritaires : il s'agit de la rénovation du collège Jean-Moulin "
                              "et de la construction d'un gymnase.")
    assert any(s.text.startswith("de la rénovation du collège") and s._.measure["action"] == "réhabilitation"
               for s in spans), [s.text for s in spans]


def test_listed_noun_after_a_parenthesis_is_a_measure_of_its_own(nlp: Language) -> None:
    _, spans = _measures(nlp, "Deux projets ont été retenus : la reconstruction du lycée de Tulle (Corrèze), "
                              "la création d'une crèche à Brive.")
    assert "la création d'une crèche à Brive" in [s.text for s in spans], [s.text for s in spans]


def test_two_verbs_sharing_subject_and_object_are_one_measure(nlp: Language) -> None:
    _, spans = _measures(nlp, "La communauté de communes poursuit et renforce son aide aux éleveurs.")
    measure = _only(spans)
    assert measure.text == "La communauté de communes poursuit et renforce son aide aux éleveurs"


def test_action_noun_inside_a_goal_names_no_measure(nlp: Language) -> None:
    _, spans = _measures(nlp, "Ces crédits ont pour objectif de consolider l'accompagnement des petites associations.")
    assert spans == []


def test_fixed_expression_with_an_action_verb_is_no_measure(nlp: Language) -> None:
    _, spans = _measures(nlp, "Le chantier de la médiathèque suit son cours.")
    assert spans == []


def test_reinforcement_noun_announced(nlp: Language) -> None:
    _, spans = _measures(nlp, "Le préfet a annoncé mardi le renfort de quarante gendarmes mobiles à Valence.")
    measure = _only(spans)
    assert measure._.measure["action"] == "renforcement"
    assert measure._.measure["status"] == "announced"


def test_items_under_a_heading_are_measures_but_not_under_a_heading_of_goals(nlp: Language) -> None:
    text = ("Calendrier\n\n- 2024-2026 Mise en œuvre du schéma cyclable intercommunal\n"
            "- 2025 Installation de vingt abris à vélos\n\n"
            "Effets attendus\n\n- Réduction des trajets en voiture\n- Développement des mobilités douces\n")
    _, spans = _measures(nlp, text)
    assert [s.text for s in spans] == ["Mise en œuvre du schéma cyclable intercommunal",
                                       "Installation de vingt abris à vélos"]


def test_list_item_may_run_over_two_lines(nlp: Language) -> None:
    text = ("Voici les actions retenues :\n- Animation de rencontres entre producteurs et\n"
            "cuisiniers des cantines : visites, repas\n- Aides aux ménages pour l'équipement en composteurs\n")
    _, spans = _measures(nlp, text)
    assert any(s.text.startswith("Aides aux ménages") for s in spans), [s.text for s in spans]


def test_items_announced_as_priorities_are_aims(nlp: Language) -> None:
    text = "Le budget porte trois priorités :\n- Le soutien aux associations\n- La rénovation des écoles\n"
    _, spans = _measures(nlp, text)
    assert spans == []


def test_fronted_participle_is_a_measure_of_its_own(nlp: Language) -> None:
    _, spans = _measures(nlp, "Adopté en décembre par le conseil communautaire, le budget 2024 prévoit 12 millions "
                              "d'euros pour les routes.")
    assert [s.text for s in spans] == ["Adopté en décembre par le conseil communautaire",
                                       "le budget 2024 prévoit 12 millions d'euros pour les routes"]


def test_noun_alone_gives_way_to_the_relative_that_describes_it(nlp: Language) -> None:
    _, spans = _measures(nlp, "L'opération, qui a mobilisé cent gendarmes, s'est tenue à Rodez.")
    assert spans[0].text == "L'opération, qui a mobilisé cent gendarmes"
    assert "L'opération" not in [s.text for s in spans]


def test_bare_participle_on_a_noun_reports_no_action(nlp: Language) -> None:
    _, spans = _measures(nlp, "Toujours trois conventions signées, sept dossiers en attente.")
    assert spans == []


def test_operation_with_its_support_participle_in_a_time_phrase(nlp: Language) -> None:
    _, spans = _measures(nlp, "Lors d'une opération de contrôle menée lundi sur la rocade, douze infractions ont été constatées.")
    measure = _only(spans)
    assert measure._.measure["action"] == "opération"
    assert "opération de contrôle menée lundi sur la rocade" in measure.text


def test_first_of_listed_action_nouns_is_a_measure(nlp: Language) -> None:
    _, spans = _measures(nlp, "La ville s'est engagée, avec une augmentation de 20 % du soutien aux refuges et la "
                              "création d'une affiche.")
    assert [s._.measure["action"] for s in spans] == ["augmentation", "création"]


def test_reflexive_obligation_is_no_measure(nlp: Language) -> None:
    _, spans = _measures(nlp, "Une réforme s'impose. Nous nous sommes obligés de répondre vite.")
    assert spans == []


def test_call_for_projects_is_a_measure(nlp: Language) -> None:
    _, spans = _measures(nlp, "Des appels à participation sont lancés chaque année dans les communes.")
    assert _only(spans)._.measure["label"].startswith("lancement")


@pytest.mark.parametrize(("text", "expected"), [
    # The verbs and predicates of a verb-only action still state measures.
    ("Des médiateurs seront présents dans les bus dès septembre.",
     [("Des médiateurs seront présents dans les bus dès septembre", "présence de médiateurs")]),
    ("Le maire a présenté lundi le nouveau schéma des pistes cyclables.",
     [("Le maire a présenté lundi le nouveau schéma des pistes cyclables",
       "présentation du nouveau schéma des pistes cyclables")]),
    # The clause under "lorsque" sets the time; the main clause is the measure.
    ("Lorsque la vigilance orange est déclenchée, les parcs municipaux seront fermés.",
     [("les parcs municipaux seront fermés", "fermeture des parcs municipaux")]),
    # Confirming a measure reports it; proposing an action proposes it.
    ("Le préfet a confirmé l'arrivée de vingt gendarmes à Vierzon.",
     [("Le préfet a confirmé l'arrivée de vingt gendarmes à Vierzon", "arrivée de vingt gendarmes à Vierzon")]),
])
def test_occasions_and_frames_keep_the_measures_they_hold(nlp: Language, text: str,
                                                          expected: list[tuple[str, str]]) -> None:
    _, spans = _measures(nlp, text)
    assert [(s.text, s._.measure["label"]) for s in spans] == expected


@pytest.mark.parametrize(("text", "expected"), [
    # An assignment states its measure with a destination, also on the object, or in the passive.
    ("La préfecture a affecté dix gendarmes à la brigade de Dreux.",
     [("La préfecture a affecté dix gendarmes à la brigade de Dreux", "affectation de dix gendarmes")]),
    ("Vingt agents seront affectés l'an prochain.",
     [("Vingt agents seront affectés l'an prochain", "affectation de vingt agents")]),
    # A passive before a colon states its measure.
    ("Les patrouilles seront renforcées : vingt passages par semaine.",
     [("Les patrouilles seront renforcées : vingt passages par semaine", "renforcement des patrouilles")]),
    # An amount in the present is spent.
    ("Ces projets représentent 2 millions d'euros.",
     [("Ces projets représentent 2 millions d'euros", "financement de 2 millions d'euros")]),
])
def test_assignments_lists_and_amounts_that_state_measures(nlp: Language, text: str,
                                                           expected: list[tuple[str, str]]) -> None:
    _, spans = _measures(nlp, text)
    assert [(s.text, s._.measure["label"]) for s in spans] == expected
