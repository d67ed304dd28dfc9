import { inline } from "../../stdlib/index.js";
import { describeBackendConformance } from "./conformance.js";

describeBackendConformance("inline", () => inline());
