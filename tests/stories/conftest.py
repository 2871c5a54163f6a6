"""A few invented pages about two unrelated events (the seed page analysed once is in tests/conftest)."""

from __future__ import annotations

from typing import Any

# Invented reports (written for these tests): three outlets on a warehouse fire, three on a vote.
FIRE = [
    (
        "Fire destroys Leeds warehouse, 40 firefighters battle blaze",
        "LEEDS, May 2, 2019 - A fire destroyed a textile warehouse in the Kirkstall district of Leeds on "
        "Thursday. West Yorkshire Fire and Rescue Service sent 40 firefighters and eight engines. Station "
        "manager Alan Briggs said the roof of the building collapsed. Nobody was injured, police said.",
    ),
    (
        "Huge blaze guts Kirkstall textile warehouse",
        "Forty firefighters fought a blaze that gutted a textile warehouse in Kirkstall, Leeds, on Thursday "
        'night. "The roof collapsed within an hour," station manager Alan Briggs said. West '
        "Yorkshire Fire and "
        "Rescue Service said eight engines attended and no one was hurt.",
    ),
    (
        "Leeds warehouse fire: roof collapses as crews fight flames",
        "Crews from West Yorkshire Fire and Rescue Service spent the night fighting a fire at a textile "
        "warehouse in Kirkstall, Leeds. Alan Briggs, the station manager, said 40 firefighters and eight "
        "engines were sent and that the roof collapsed. No injuries were reported.",
    ),
]
VOTE = [
    (
        "Lyon council elects Martine Delorme as mayor",
        "LYON, June 28, 2020 - The city council of Lyon elected Martine Delorme as mayor on Sunday "
        "by 41 votes "
        "to 19. Delorme, a former teacher, promised to expand cycle lanes and to plant 20,000 "
        "trees. Her rival "
        "Pierre Gaultier conceded defeat.",
    ),
    (
        "Delorme wins Lyon mayoral vote, pledges trees and bike lanes",
        'Martine Delorme became mayor of Lyon after councillors backed her 41 to 19 on Sunday. "We '
        "will plant "
        '20,000 trees," Delorme told reporters. Pierre Gaultier, who lost the vote, congratulated her.',
    ),
    (
        "New Lyon mayor Martine Delorme sets out green agenda",
        "Lyon's new mayor, Martine Delorme, elected by the council on Sunday with 41 votes against "
        "19 for Pierre "
        "Gaultier, said her first act would be to expand the city's cycle lanes and plant 20,000 trees.",
    ),
]


def records() -> list[dict[str, Any]]:
    out = []
    for k, (title, text) in enumerate(FIRE):
        out.append(
            {"id": f"fire-{k}", "title": title, "text": text, "published": "2019-05-0" + str(2 + k % 2)}
        )
    for k, (title, text) in enumerate(VOTE):
        out.append(
            {"id": f"vote-{k}", "title": title, "text": text, "published": "2020-06-2" + str(8 + k % 2)}
        )
    return out
