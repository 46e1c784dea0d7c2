"""Actors: the noise of scraped text, acronyms both ways, merged mentions, targets."""

from __future__ import annotations


def _actors(nlp, text: str) -> dict[str, dict]:
    """Actor values by key."""
    doc = nlp(text)  # spans live as long as their Doc
    return {s._.actor["key"]: s._.actor for s in doc.spans["actor"]}


def _names(nlp, text: str) -> set[str]:
    return {value["name"] for value in _actors(nlp, text).values()}


def test_glued_title_is_cut_from_the_name(nlp) -> None:
    actors = _actors(nlp, "Les contrôles vont s'intensifier.\nPaul DurandPréfet du Cantal\nLa suite du plan.")
    person = next(v for v in actors.values() if v["type"] == "person")
    assert person["name"] == "Paul Durand" and person["role"] == "préfet du Cantal"
    assert person["location"] is not None


def test_line_break_inside_an_entity(nlp) -> None:
    names = _names(nlp, "Le plan a été présenté par Claire Lemoine\nCôté police, les patrouilles augmentent.")
    assert "Claire Lemoine" in names


def test_capitalised_common_noun_at_line_start_is_no_person(nlp) -> None:
    names = _names(nlp, "Un bilan positif.\nCôté gendarmerie, trois brigades sont renforcées.")
    assert not any(name.startswith("Côté") for name in names)


def test_acronym_defined_then_used(nlp) -> None:
    actors = _actors(nlp, "Le Syndicat des eaux du Perche (SEP) lance les travaux. Le SEP paiera 2 millions.")
    assert len(actors) == 1
    (value,) = actors.values()
    assert value["acronym"] == "SEP" and value["name"] == "Syndicat des eaux du Perche"


def test_acronym_before_its_long_form(nlp) -> None:
    actors = _actors(nlp, "La BAC est arrivée lundi. La brigade anti-criminalité compte dix agents.")
    assert len(actors) == 1 and next(iter(actors.values()))["acronym"] == "BAC"


def test_members_merge_with_their_body(nlp) -> None:
    actors = _actors(nlp, "La gendarmerie renforce ses contrôles. Les gendarmes patrouilleront la nuit.")
    assert [v["name"] for v in actors.values()] == ["gendarmerie"]


def test_role_before_and_after_the_name(nlp) -> None:
    before = _actors(nlp, "Le préfet de la Manche, Paul Durand, a signé.")
    after = _actors(nlp, "Paul Durand, préfet de la Manche, a signé.")
    for actors in (before, after):
        person = next(v for v in actors.values() if v["type"] == "person")
        assert person["name"] == "Paul Durand" and person["role"] == "préfet de la Manche"


def test_civility_is_not_part_of_the_name(nlp) -> None:
    actors = _actors(nlp, "La maire, Mme Claire Lemoine, a inauguré l'école.")
    person = next(v for v in actors.values() if v["type"] == "person")
    assert person["name"] == "Claire Lemoine" and person["role"] == "maire"


def test_bare_role_joins_the_named_person(nlp) -> None:
    actors = _actors(nlp, "Paul Durand, préfet de la Manche, a signé. Le préfet a ensuite visité le port.")
    assert len([v for v in actors.values() if v["type"] == "person"]) == 1


def test_quotes_around_a_body(nlp) -> None:
    assert "gendarmerie" in _names(nlp, "« La gendarmerie sera présente », a-t-il dit.")


def test_targets_are_not_actors(nlp) -> None:
    assert not _actors(nlp, "Les jeunes, les habitants et les publics vulnérables sont concernés.")


def test_lexicon_wins_over_ner_places(nlp) -> None:
    doc = nlp("Le Parquet et l'ARS travaillent ensemble.")
    assert {s.text for s in doc.spans["actor"]} == {"Parquet", "ARS"}
    assert not list(doc.spans["location"])


def test_byline_author_is_not_an_actor(nlp) -> None:
    actors = _actors(nlp, "Publié le 3 mars.\nPar Jean Dupont\nLe maire, Paul Martin, annonce un plan.")
    assert [a["name"] for a in actors.values()] == ["Paul Martin"]
    # The same words inside a sentence are an agent, not a byline.
    actors = _actors(nlp, "Le plan a été validé par Jean Dupont, maire de Caen.")
    assert [(a["name"], a["role"]) for a in actors.values()] == [("Jean Dupont", "maire de Caen")]


def test_municipality_joins_the_only_town_body(nlp) -> None:
    actors = _actors(nlp, "La ville de Vierzon rénove ses écoles. La municipalité a voté 2 millions d'euros.")
    assert [v["name"] for v in actors.values()] == ["ville de Vierzon"]


def test_municipality_stays_apart_when_two_towns_are_named(nlp) -> None:
    names = _names(nlp, "La ville de Vierzon et la ville de Bourges coopèrent. La municipalité a voté.")
    assert {"ville de Vierzon", "ville de Bourges", "municipalité"} <= names


def test_title_after_civility_and_role_inside_role(nlp) -> None:
    actors = _actors(nlp, "Madame la Maire a reçu le chef de cabinet du préfet de l'Aude.")
    persons = {v["name"]: v["role"] for v in actors.values() if v["type"] == "person"}
    assert persons["Madame la Maire"] == "maire"
    assert persons["préfet de l'Aude"] == "préfet de l'Aude"


def test_byline_followed_by_an_update_line(nlp) -> None:
    names = _names(nlp, "Par Lucie Ferrand , Mis à jour le 4 février\nLa gendarmerie renforce ses patrouilles.")
    assert "Lucie Ferrand" not in names and "gendarmerie" in names


def test_acronym_in_capitals_with_its_region(nlp) -> None:
    actors = _actors(nlp, "L'ARS BRETAGNE DÉBLOQUE 12 M€\nL'agence régionale de santé (ARS) Bretagne "
                          "finance douze maisons de santé.")
    orgs = [v for v in actors.values() if v["type"] == "organization"]
    assert len(orgs) == 1 and orgs[0]["acronym"] == "ARS"


def test_fixed_expressions_name_no_body(nlp) -> None:
    assert not _actors(nlp, "Les élus rappellent leur attachement à l'État de droit.")
    assert not _actors(nlp, "Pour le représentant de l'État, les chiffres sont encourageants.")
    assert not _actors(nlp, "La police de sécurité du quotidien sera étendue à dix quartiers.")
    # the body itself is still found
    assert "État" in _names(nlp, "L'État financera la moitié des travaux.")


def test_body_glued_to_another_word_is_a_compound(nlp) -> None:
    assert "Etat" not in _names(nlp, "Les crédits viennent des contrats de plan Etat-régions signés en 2021.")


def test_staff_counted_without_their_body_are_no_actor(nlp) -> None:
    assert not _actors(nlp, "Au total, 150 policiers et 40 gendarmes supplémentaires seront affectés dans le Var.")
    names = _names(nlp, "La police nationale recrute. Ses 150 policiers patrouilleront la nuit.")
    assert names == {"police nationale"}


def test_chain_of_roles_given_to_one_person(nlp) -> None:
    actors = _actors(nlp, "Le bilan a été dressé par le commandant de la compagnie de gendarmerie (CGD), "
                          "le chef d'escadron Hugo Vasseur.")
    persons = [v for v in actors.values() if v["type"] == "person"]
    assert [(p["name"], p["role"]) for p in persons] == [("Hugo Vasseur", "chef d'escadron")]


def test_role_that_opens_the_sentence_before_an_apposition(nlp) -> None:
    actors = _actors(nlp, "Directrice de l'office public de l'habitat, l'organisme bailleur du quartier, "
                          "Nadia Berthier a détaillé le chantier.")
    persons = [v for v in actors.values() if v["type"] == "person"]
    assert [(p["name"], p["role"]) for p in persons] == [("Nadia Berthier", "directrice de l'office public de l'habitat")]


def test_role_as_predicate_names_no_new_person(nlp) -> None:
    assert not [v for v in _actors(nlp, "Elle fut aussi la capitaine de l'équipe de France de volley.").values()
                if v["type"] == "person"]


def test_role_in_apposition_without_article_names_no_new_person(nlp) -> None:
    actors = _actors(nlp, "Place Odette Brun : résistante, directrice de l'école normale de Tulle, elle enseigna.")
    assert not [v for v in actors.values() if v["type"] == "person" and v["name"].startswith("directrice")]


def test_second_role_after_the_name_is_the_same_person(nlp) -> None:
    actors = _actors(nlp, "Le maire de la ville, Paul Granger, vice-président de la métropole, a signé.")
    assert [v["name"] for v in actors.values() if v["type"] == "person"] == ["Paul Granger"]


def test_territory_words_after_a_locative_or_a_number(nlp) -> None:
    assert "Département" not in _names(nlp, "Des contrôles ont eu lieu sur le Département toute la nuit.")
    assert "Département" in _names(nlp, "Le Département finance la moitié du collège.")
    assert "communes" not in _names(nlp, "L'arrosage est interdit dans 96 communes du Doubs.")
    assert "communes" not in _names(nlp, "Les communes rurales ne seront pas oubliées.")
    assert "communes" in _names(nlp, "L'agglomération travaille avec les communes sur ce plan.")
    assert "communes" in _names(nlp, "Les communes tiendront un registre des personnes isolées.")


def test_plural_public_bodies(nlp) -> None:
    names = _names(nlp, "Les mairies relaieront la campagne ; les préfets piloteront les comités, et les "
                        "universités formeront les étudiants.")
    assert {"mairies", "préfets", "universités"} <= names


def test_successive_governments_are_two_actors(nlp) -> None:
    names = _names(nlp, "L'ancien gouvernement avait gelé les crédits. Le gouvernement actuel les a rétablis.")
    assert {"ancien gouvernement", "gouvernement actuel"} <= names and "gouvernement" not in names


def test_government_as_owner_of_a_policy_is_no_actor(nlp) -> None:
    assert "gouvernement" not in _names(nlp, "Le logement reste au centre de la politique du gouvernement.")
    assert "gouvernement" in _names(nlp, "Le gouvernement débloque 40 millions d'euros.")


def test_name_after_an_eponym_head_is_no_person(nlp) -> None:
    actors = _actors(nlp, "Elle entra en 1936 dans le gouvernement Chautemps, puis défendit la loi Roussel.")
    assert not [v for v in actors.values() if v["type"] == "person"]
    assert "gouvernement Chautemps" in {v["name"] for v in actors.values()}


def test_services_named_by_their_field(nlp) -> None:
    assert "Service voirie" in _names(nlp, "Pilote :\n- Service voirie et déplacements\nBudget : 20 000 euros.")
    doc = nlp("Le Service civique recrute ; le service propreté passe le lundi.")
    assert not [s for s in doc.spans["actor"] if s.id_ == "Service <field>"]  # an adjective; lower case
    assert "services de la collectivité" in _names(nlp, "Les services de la collectivité ont chiffré chaque projet.")


def test_body_that_is_a_building(nlp) -> None:
    assert not _actors(nlp, "Le chantier prévoit l'extension du centre hospitalier (CH) de Dax et du CHU de Brest.")
    assert not _actors(nlp, "La conférence de presse s'est tenue dans un commissariat du centre-ville.")
    assert "CHU de Brest" in _names(nlp, "Le CHU de Brest recrute vingt infirmiers.")


def test_local_bodies_as_beneficiaries(nlp) -> None:
    assert not _actors(nlp, "Le fonds aidera 250 collectivités locales à équiper leurs écoles.")
    assert not _actors(nlp, "La prime couvre 30 % des travaux pour les syndics, collectivités locales ou bailleurs sociaux.")
    assert "bailleurs sociaux" in _names(nlp, "La police et les bailleurs sociaux échangeront leurs informations.")


def test_surname_made_of_an_article_and_a_role_word(nlp) -> None:
    actors = _actors(nlp, "Étaient présents Jeanne Morel, ministre de la Culture, et Bruno Le Maire, "
                          "ministre de l'Économie.")
    persons = {v["name"]: v["role"] for v in actors.values() if v["type"] == "person"}
    assert persons == {"Jeanne Morel": "ministre de la Culture", "Bruno Le Maire": "ministre de l'Économie"}


def test_seats_of_power_are_no_persons(nlp) -> None:
    actors = _actors(nlp, "Le calendrier reste ouvert, précise Matignon. L'Élysée a salué l'accord avec Beauvau.")
    assert not any(v["type"] == "person" for v in actors.values())


def test_a_role_alone_joins_only_the_holder_of_the_same_office(nlp) -> None:
    actors = _actors(nlp, "La ministre de la Transition écologique et solidaire a présenté le plan, avec le "
                          "ministre du Logement Paul Terrier. Le ministre du Logement suivra les chantiers.")
    persons = sorted((v["name"], v["role"]) for v in actors.values() if v["type"] == "person")
    assert persons == [("Paul Terrier", "ministre du Logement"),
                       ("ministre de la Transition écologique et solidaire",
                        "ministre de la Transition écologique et solidaire")]


def test_photo_credit_is_no_actor(nlp) -> None:
    names = _names(nlp, "Paul Terrier en visite à Lyon © Agence Presse / Jeanne Morel\n\n"
                        "Le plan prévoit trois millions d'euros.")
    assert "Jeanne Morel" not in names and "Paul Terrier" in names


def test_council_of_ministers_is_one_body(nlp) -> None:
    actors = _actors(nlp, "Le texte a été adopté lors du Conseil des ministres du 3 mai.")
    assert {v["name"] for v in actors.values() if v["type"] == "organization"} == {"Conseil des ministres"}
