# language: fr
Fonctionnalité: Compteur en français
  Scénario: Les mots-clés viennent du dialecte
    Soit a fresh counter
    Quand I add 4
    Alors the counter is 4
