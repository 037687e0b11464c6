// SharePoint fixes a currency column's currency through a locale: Graph gives it as a tag (`en-us`),
// SharePoint REST as an LCID (1033). Intl can format a currency code but can't map a region to one,
// hence these tables. Unknown locales fall back to a plain number rather than a wrong symbol.

const LCID_TAGS: Record<string, string> = {
  '1025': 'ar-SA', '1028': 'zh-TW', '1029': 'cs-CZ', '1030': 'da-DK', '1031': 'de-DE', '1032': 'el-GR', '1033': 'en-US',
  '1035': 'fi-FI', '1036': 'fr-FR', '1037': 'he-IL', '1038': 'hu-HU', '1039': 'is-IS', '1040': 'it-IT', '1041': 'ja-JP',
  '1042': 'ko-KR', '1043': 'nl-NL', '1044': 'nb-NO', '1045': 'pl-PL', '1046': 'pt-BR', '1048': 'ro-RO', '1049': 'ru-RU',
  '1050': 'hr-HR', '1051': 'sk-SK', '1053': 'sv-SE', '1054': 'th-TH', '1055': 'tr-TR', '1057': 'id-ID', '1058': 'uk-UA',
  '1060': 'sl-SI', '1061': 'et-EE', '1062': 'lv-LV', '1063': 'lt-LT', '1066': 'vi-VN', '1081': 'hi-IN', '1086': 'ms-MY',
  '2052': 'zh-CN', '2055': 'de-CH', '2057': 'en-GB', '2058': 'es-MX', '2060': 'fr-BE', '2064': 'it-CH', '2067': 'nl-BE',
  '2070': 'pt-PT', '3076': 'zh-HK', '3079': 'de-AT', '3081': 'en-AU', '3082': 'es-ES', '3084': 'fr-CA', '4100': 'zh-SG',
  '4105': 'en-CA', '4108': 'fr-CH', '5129': 'en-NZ', '6153': 'en-IE', '7177': 'en-ZA', '11274': 'es-AR', '13322': 'es-CL',
  '14337': 'ar-AE', '16393': 'en-IN', '9226': 'es-CO', '1026': 'bg-BG', '3073': 'ar-EG', '13321': 'en-PH', '18441': 'en-SG',
};

const EURO = ['AT', 'BE', 'CY', 'DE', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PT', 'SI', 'SK'];
const REGION_CURRENCY: Record<string, string> = {
  ...Object.fromEntries(EURO.map((r) => [r, 'EUR'])),
  US: 'USD', GB: 'GBP', CH: 'CHF', LI: 'CHF', JP: 'JPY', CN: 'CNY', HK: 'HKD', TW: 'TWD', SG: 'SGD', IN: 'INR', AU: 'AUD',
  NZ: 'NZD', CA: 'CAD', MX: 'MXN', BR: 'BRL', AR: 'ARS', CL: 'CLP', CO: 'COP', ZA: 'ZAR', SE: 'SEK', NO: 'NOK', DK: 'DKK',
  IS: 'ISK', PL: 'PLN', CZ: 'CZK', HU: 'HUF', RO: 'RON', BG: 'BGN', RU: 'RUB', UA: 'UAH', TR: 'TRY', IL: 'ILS', SA: 'SAR',
  AE: 'AED', QA: 'QAR', KW: 'KWD', EG: 'EGP', KR: 'KRW', TH: 'THB', MY: 'MYR', ID: 'IDR', PH: 'PHP', VN: 'VND', NG: 'NGN',
  KE: 'KES', PK: 'PKR',
};

/** ISO 4217 code for a column's currency locale (`en-us`, `de-de`, `1033`), or undefined when unknown. */
export function currencyForLocale(locale: string | undefined): string | undefined {
  if (locale === undefined) return undefined;
  const tag = /^\d+$/.test(locale) ? LCID_TAGS[locale] : locale;
  const region = tag?.split('-').find((part, i) => i > 0 && /^[a-z]{2}$/i.test(part));
  return region === undefined ? undefined : REGION_CURRENCY[region.toUpperCase()];
}
