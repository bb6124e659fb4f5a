from django.urls import path

from leersteun.views import gesprek, overzicht, rapport, sjablonen

app_name = "leersteun"

GESPREK = "dossiers/<int:pk>/samenwerkingsgesprek/<int:gesprek_pk>/"
VERSIE = "lsc/<int:lsc_pk>/sjabloon/versies/<int:versie_pk>/"

urlpatterns = [
    # --- the samenwerkingsgesprek in a school's dossier ---------------------------------------
    path("dossiers/<int:pk>/samenwerkingsgesprek/", gesprek.gesprek_list, name="gesprekken"),
    path(
        "dossiers/<int:pk>/samenwerkingsgesprek/starten/",
        gesprek.gesprek_start,
        name="gesprek_start",
    ),
    path(GESPREK, gesprek.gesprek_detail, name="gesprek"),
    path(f"{GESPREK}onderdeel/<int:onderdeel_pk>/", gesprek.gesprek_part, name="gesprek_part"),
    path(
        f"{GESPREK}vraag/<int:vraag_pk>/bevestigen/",
        gesprek.answer_confirm,
        name="answer_confirm",
    ),
    path(f"{GESPREK}vraag/<int:vraag_pk>/tonen/", gesprek.answer_reveal, name="answer_reveal"),
    path(
        f"{GESPREK}vraag/<int:vraag_pk>/verbeteren/",
        gesprek.answer_correct,
        name="answer_correct",
    ),
    path(f"{GESPREK}plannen/", gesprek.gesprek_plan, name="gesprek_plan"),
    path(f"{GESPREK}status/", gesprek.gesprek_status, name="gesprek_status"),
    path(f"{GESPREK}afspraken/nieuw/", gesprek.afspraak_add, name="afspraak_add"),
    path(
        f"{GESPREK}afspraken/<int:afspraak_pk>/evalueren/",
        gesprek.afspraak_evaluate,
        name="afspraak_evaluate",
    ),
    path(
        f"{GESPREK}afspraken/<int:afspraak_pk>/samenwerkingsafspraak/",
        gesprek.afspraak_promote,
        name="afspraak_promote",
    ),
    path(f"{GESPREK}rapport/", rapport.gesprek_report, name="gesprek_report"),
    # --- the ankerpersoon's overview across the LSC's schools ---------------------------------
    path("lsc/<int:lsc_pk>/gesprekken/", overzicht.overzicht, name="overzicht"),
    path("lsc/<int:lsc_pk>/gesprekken/starten/", overzicht.overzicht_start, name="overzicht_start"),
    # --- the LSC's template --------------------------------------------------------------------
    path("lsc/<int:lsc_pk>/sjabloon/", sjablonen.sjabloon, name="sjabloon"),
    path("lsc/<int:lsc_pk>/sjabloon/bewerken/", sjablonen.draft_start, name="draft_start"),
    path("lsc/<int:lsc_pk>/sjabloon/verschil/", sjablonen.versie_diff, name="versie_diff"),
    path(VERSIE, sjablonen.versie, name="versie"),
    path(f"{VERSIE}publiceren/", sjablonen.versie_publish, name="versie_publish"),
    path(f"{VERSIE}onderdelen/nieuw/", sjablonen.onderdeel_add, name="onderdeel_add"),
    path(
        f"{VERSIE}onderdelen/<int:onderdeel_pk>/",
        sjablonen.onderdeel_edit,
        name="onderdeel_edit",
    ),
    path(
        f"{VERSIE}onderdelen/<int:onderdeel_pk>/verwijderen/",
        sjablonen.onderdeel_delete,
        name="onderdeel_delete",
    ),
    path(
        f"{VERSIE}onderdelen/<int:onderdeel_pk>/verplaatsen/",
        sjablonen.onderdeel_move,
        name="onderdeel_move",
    ),
    path(
        f"{VERSIE}onderdelen/<int:onderdeel_pk>/vragen/nieuw/",
        sjablonen.vraag_add,
        name="vraag_add",
    ),
    path(f"{VERSIE}vragen/<int:vraag_pk>/", sjablonen.vraag_edit, name="vraag_edit"),
    path(
        f"{VERSIE}vragen/<int:vraag_pk>/verwijderen/",
        sjablonen.vraag_delete,
        name="vraag_delete",
    ),
    path(
        f"{VERSIE}vragen/<int:vraag_pk>/verplaatsen/",
        sjablonen.vraag_move,
        name="vraag_move",
    ),
]
