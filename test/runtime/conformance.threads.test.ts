import { threads } from "../../stdlib/index.js";
import { describeBackendConformance } from "./conformance.js";

describeBackendConformance("threads", () => threads());
