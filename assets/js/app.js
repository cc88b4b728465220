// Safer Communities Casework – progressive enhancement only.
// Every page works without JavaScript; these modules only enhance components
// (service navigation toggle, error summary focus, MOJ sortable tables, etc.).
// Loaded with <script type="module">, so browsers too old for ES modules never
// run it and the body never gets the `govuk-frontend-supported` class.
import { initAll as initGovukFrontend } from './govuk-frontend.min.js'
import { initAll as initMojFrontend } from './moj-frontend.min.js'

initGovukFrontend()
initMojFrontend()
