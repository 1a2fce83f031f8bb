"""Who buys and what they say: the procurer's and the ordering unit's side.

The contract catalogue and its managers (``contracts``), the units buying on a
contract or elsewhere (``contract_buyers``), one unit's purchases
(``unit_overview``), the units' contact people (``contacts``), visits
(``visits``) and the needs and feedback units send in, with their answers
(``needs``). Personal data lives here.
"""
