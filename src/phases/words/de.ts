/**
 * German words of the built-in phase models, by concept (the same concepts as `./en`; written
 * normalized: `ä` as `ae`, `ß` as `ss`, words joined by `_`). German compounds are words of their
 * own (`kontaktformular`, `kundenkonto`): a word never matches inside another.
 */
import type { Vocabulary } from '../types'

/** Concepts both presets use. */
export const de: Vocabulary = {
  content:
    'presse|pressemitteilungen?|karriere|stellenangebote?|stellen|impressum|datenschutz(erklaerung)?|agb|magazin|ratgeber|wissen|fachartikel|aktuelles|nachrichten|neuigkeiten|lexikon|glossar',
  not: 'abgebrochen|fehlgeschlagen|storniert|abgelehnt|entfernt|geloescht',
  offer:
    'produkte?|produktdetails?|kategorien?|kollektion(en)?|sortiment|artikel|funktionen|loesungen?|plattform|schnittstellen|integrationen|anwendungsfaelle|branchen|kunden|referenzen|fallstudien|leistungen|dienstleistungen|pakete?|kurse|seminare|zimmer|speisekarte|mitgliedschaft(en)?|abos?|abonnements?|suche|galerie|whitepaper|webinare?',
  pricing:
    'preise?|preisliste|tarife?|tarifrechner|preisrechner|kosten|vergleich(en)?|bewertungen|erfahrungen|kundenstimmen|sicherheit|testversion|testen',
  browse: 'merkzettel|wunschliste|suche|produkt',
  contact: 'kontakt|kontaktformular|kontaktieren|rueckruf|anruf',
  newsletter: 'newsletter_anmeldung|newsletter_abonnieren',
  checkout:
    'warenkorb|kasse|bestellen|bestellung|registrieren|registrierung|konto_erstellen|buchen|buchung|termin|termine|termin_buchen|terminbuchung|reservierung(en)?|reservieren|antrag|antrag_stellen|angebot_anfordern|bestellformular',
  cart: 'warenkorb|in_den_warenkorb|kasse|jetzt_kaufen|jetzt_buchen|verfuegbarkeit_pruefen|gutschein_eingeloest',
  lead: 'testphase|testversion|demo_anfrage|demo_anfordern|registrierung|registriert|konto_erstellt',
  quote:
    'angebot(e)?|angebots?anfrage|angebot_anfordern|vertrag|vertraege|bestellung|warenkorb|kasse|vertrieb|termin_vereinbart',
  purchase:
    'kauf|gekauft|kauf_abgeschlossen|(bestellung|buchung|termin|reservierung|abo|abonnement|mitgliedschaft|vertrag|kurs|tisch|zahlung)_(abgeschlossen|bestaetigt|gebucht|reserviert|unterschrieben|abgeschickt|bezahlt|erfolgreich)',
  use: 'eingeloggt|retoure|ruecksendung|rueckgabe|erstattung|nachbestellung|einladung',
  account:
    'mein_konto|konto|kundenkonto|profil|kundenportal|einstellungen|abrechnung|rechnungen|bestellungen|retouren?|ruecksendung(en)?|rueckgabe|sendungsverfolgung|mitgliederbereich|lernen|schaden_melden|schadensmeldung',
  support: 'hilfe|hilfe_center|kundenservice|kundendienst|service_center|haeufige_fragen|garantie',
  advocacy: 'teilen|geteilt|bewertung|bewerten|rezension|weiterempfehlung|empfehlung|empfehlen|feedback|umfrage|fallstudie|freunde_werben',
}

/** Concepts of the b2b preset only. */
export const deB2b: Vocabulary = {
  download: 'whitepaper_download|studie|webinar_anmeldung',
  onboarding: 'willkommen|erste_schritte|einrichtung|schulung(en)?|akademie|implementierung',
  activated: 'aktiviert|onboarding_abgeschlossen|einrichtung_abgeschlossen',
  renewal: 'verlaengerung|vertragsverlaengerung|verlaengert|vertrag_verlaengert',
  expansion: 'lizenzen|lizenzen_hinzugefuegt|zusatzmodule?|erweiterungen?|modul|modul_gebucht',
}
