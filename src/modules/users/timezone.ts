import { IANAZone } from "luxon";
import { invalidField } from "../../platform/errors.js";

/** Throws a field error unless `zone` is an IANA time zone name this runtime knows (e.g. Europe/Paris). */
export function checkTimeZone(zone: string, field = "/body/timezone"): void {
  if (!IANAZone.isValidZone(zone) || /^[+-]|^utc[+-]/i.test(zone))
    throw invalidField(
      field,
      "timezone",
      `"${zone}" is not a known IANA time zone (e.g. Europe/Paris, America/New_York, UTC)`,
    );
}
