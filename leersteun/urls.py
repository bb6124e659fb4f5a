from django.urls import path

from leersteun.views import capaciteit as capaciteit_views  # (area: capacity)
from leersteun.views import clusters as cluster_views  # (area: clusters)
from leersteun.views import gesprek, overzicht, rapport, sjablonen, vragen
from leersteun.views import raad as raad_views  # (area: raad)

app_name = "leersteun"

GESPREK = "dossiers/<int:pk>/samenwerkingsgesprek/<int:gesprek_pk>/"
VERSIE = "lsc/<int:lsc_pk>/sjabloon/versies/<int:versie_pk>/"
LEERSTEUNVRAAG = "dossiers/<int:pk>/leersteunvragen/<int:vraag_pk>/"

RAAD = "lsc/<int:lsc_pk>/leersteunraad/"  # (area: raad)

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
    # --- leersteunvragen in a school's dossier (area: vragen) -----------------------------------
    path("dossiers/<int:pk>/leersteunvragen/", vragen.vraag_list, name="vragen"),
    path("dossiers/<int:pk>/leersteunvragen/nieuw/", vragen.vraag_create, name="vraag_create"),
    path(LEERSTEUNVRAAG, vragen.vraag_detail, name="vraag"),
    # (leersteun:vraag_edit names the template's question editor: this one is vraag_change)
    path(f"{LEERSTEUNVRAAG}bewerken/", vragen.vraag_edit, name="vraag_change"),
    path(f"{LEERSTEUNVRAAG}screening/", vragen.vraag_screen, name="vraag_screen"),
    path(f"{LEERSTEUNVRAAG}status/", vragen.vraag_status, name="vraag_status"),
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
    # --- the leersteunraad of an LSC (area: raad) ------------------------------------------------
    path(RAAD, raad_views.raad, name="raad"),
    path(f"{RAAD}cijfers/", raad_views.raad_cijfers, name="raad_cijfers"),
    path(f"{RAAD}leden/nieuw/", raad_views.raad_lid_add, name="raad_lid_add"),
    path(f"{RAAD}leden/<int:lid_pk>/beeindigen/", raad_views.raad_lid_end, name="raad_lid_end"),
    path(
        f"{RAAD}afgevaardigde/<int:school_pk>/",
        raad_views.raad_afgevaardigde,
        name="raad_afgevaardigde",
    ),
    path(
        f"{RAAD}vergaderingen/nieuw/",
        raad_views.raad_vergadering_add,
        name="raad_vergadering_add",
    ),
    path(
        f"{RAAD}vergaderingen/<int:vergadering_pk>/",
        raad_views.raad_vergadering,
        name="raad_vergadering",
    ),
    path(
        f"{RAAD}vergaderingen/<int:vergadering_pk>/bewerken/",
        raad_views.raad_vergadering_edit,
        name="raad_vergadering_edit",
    ),
    path(
        f"{RAAD}vergaderingen/<int:vergadering_pk>/documenten/nieuw/",
        raad_views.raad_document_add,
        name="raad_document_add",
    ),
    path(
        f"{RAAD}vergaderingen/<int:vergadering_pk>/documenten/<int:document_pk>/",
        raad_views.raad_document_download,
        name="raad_document",
    ),
    path(
        f"{RAAD}vergaderingen/<int:vergadering_pk>/documenten/<int:document_pk>/verwijderen/",
        raad_views.raad_document_delete,
        name="raad_document_delete",
    ),
    path(f"{RAAD}regels/nieuw/", raad_views.raad_regel_add, name="raad_regel_add"),
    path(
        f"{RAAD}regels/<int:regel_pk>/bewerken/",
        raad_views.raad_regel_edit,
        name="raad_regel_edit",
    ),
    # --- priorities, ondersteuners, hours and capacity (area: capacity) --------------------------
    path(
        "dossiers/<int:pk>/leersteunvragen/<int:vraag_pk>/toewijzen/",
        capaciteit_views.vraag_assign,
        name="vraag_assign",
    ),
    path("lsc/<int:lsc_pk>/capaciteit/", capaciteit_views.capaciteit, name="capaciteit"),
    path("lsc/<int:lsc_pk>/mijn-vragen/", capaciteit_views.mijn_vragen, name="mijn_vragen"),
    # --- filters of a template draft, clusters, the LSC's question list (area: clusters) --------
    path(
        "lsc/<int:lsc_pk>/sjabloon/versies/<int:versie_pk>/filters/nieuw/",
        sjablonen.filter_add,
        name="filter_add",
    ),
    path(
        "lsc/<int:lsc_pk>/sjabloon/versies/<int:versie_pk>/filters/<int:filter_pk>/",
        sjablonen.filter_edit,
        name="filter_edit",
    ),
    path(
        "lsc/<int:lsc_pk>/sjabloon/versies/<int:versie_pk>/filters/<int:filter_pk>/verwijderen/",
        sjablonen.filter_delete,
        name="filter_delete",
    ),
    path(
        "lsc/<int:lsc_pk>/sjabloon/versies/<int:versie_pk>/filters/<int:filter_pk>/verplaatsen/",
        sjablonen.filter_move,
        name="filter_move",
    ),
    path("lsc/<int:lsc_pk>/clusters/", cluster_views.cluster_list, name="clusters"),
    path("lsc/<int:lsc_pk>/clusters/nieuw/", cluster_views.cluster_create, name="cluster_create"),
    path(
        "lsc/<int:lsc_pk>/clusters/<int:cluster_pk>/", cluster_views.cluster_detail, name="cluster"
    ),
    path(
        "lsc/<int:lsc_pk>/clusters/<int:cluster_pk>/bewerken/",
        cluster_views.cluster_edit,
        name="cluster_edit",
    ),
    path(
        "lsc/<int:lsc_pk>/clusters/<int:cluster_pk>/vragen/toevoegen/",
        cluster_views.cluster_vraag_add,
        name="cluster_vraag_add",
    ),
    path(
        "lsc/<int:lsc_pk>/clusters/<int:cluster_pk>/vragen/<int:vraag_pk>/verwijderen/",
        cluster_views.cluster_vraag_remove,
        name="cluster_vraag_remove",
    ),
    path(
        "lsc/<int:lsc_pk>/clusters/vraag/<int:vraag_pk>/",
        cluster_views.vraag_cluster,
        name="vraag_cluster",
    ),
    path("lsc/<int:lsc_pk>/leersteunvragen/", cluster_views.vragen_lsc, name="vragen_lsc"),
    path(
        "lsc/<int:lsc_pk>/leersteunvragen/export.csv",
        cluster_views.vragen_lsc_export,
        name="vragen_lsc_export",
    ),
]
