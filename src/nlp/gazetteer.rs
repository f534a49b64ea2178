//! Hand-written general-knowledge word lists used as NER features.
//!
//! The lists are deliberately small and generic (countries, demonyms, cities,
//! titles, organisation words, first names...). They only add features: the
//! perceptron learns how much to trust each list, so an entry that is
//! ambiguous ("Jordan", "Georgia", "Chase") costs little.
//!
//! Matching is case-insensitive over token n-grams of up to
//! [`MAX_ENTRY_TOKENS`] tokens; entries are tokenized on whitespace, so they
//! must use the PTB tokenization the tagger sees ("St. Louis", "U.S.").

use std::collections::HashMap;
use std::sync::OnceLock;

/// Longest entry, in tokens, that the matcher looks for.
pub const MAX_ENTRY_TOKENS: usize = 5;

/// The word lists; the discriminant is the list id used in features.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum GazList {
    Country = 0,
    Demonym,
    City,
    UsState,
    Region,
    Title,
    Honorific,
    OrgWord,
    OrgKnown,
    CompanySuffix,
    FirstName,
    Person,
    MiscKnown,
    LocWord,
    Calendar,
    SportsTeam,
}

/// Number of lists (list ids are `0..NUM_LISTS`).
pub const NUM_LISTS: usize = 16;

const COUNTRY: &str = "Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia|Bosnia and Herzegovina|Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|Cape Verde|Central African Republic|Chad|Chile|China|Colombia|Comoros|Congo|Democratic Republic of Congo|Costa Rica|Ivory Coast|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Czechoslovakia|Denmark|Djibouti|Dominica|Dominican Republic|East Timor|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Swaziland|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Macedonia|North Macedonia|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|Micronesia|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Burma|Namibia|Nauru|Nepal|Netherlands|Holland|New Zealand|Nicaragua|Niger|Nigeria|North Korea|South Korea|Korea|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|Saint Lucia|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|Trinidad|Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|UAE|United Kingdom|UK|U.K.|Britain|Great Britain|England|Scotland|Wales|Northern Ireland|United States|United States of America|U.S.|US|USA|U.S.A.|America|Uruguay|Uzbekistan|Vanuatu|Vatican|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe|Yugoslavia|Soviet Union|USSR|Zaire|Rhodesia|Greenland|Puerto Rico|Hong Kong|Macau|Gaza|West Bank|Tibet|Chechnya|Crimea|Kurdistan|Catalonia|Flanders|Faroe Islands|Bermuda|Gibraltar|Cayman Islands";

const DEMONYM: &str = "Afghan|Afghans|Albanian|Albanians|Algerian|Algerians|American|Americans|Angolan|Argentine|Argentinian|Argentines|Armenian|Armenians|Australian|Australians|Austrian|Austrians|Azerbaijani|Azeri|Bangladeshi|Belarusian|Belgian|Belgians|Bolivian|Bosnian|Bosnians|Brazilian|Brazilians|British|Briton|Britons|Brit|Brits|Bulgarian|Bulgarians|Burmese|Burundian|Cambodian|Cameroonian|Canadian|Canadians|Chilean|Chileans|Chinese|Colombian|Colombians|Congolese|Croatian|Croat|Croats|Cuban|Cubans|Cypriot|Cypriots|Czech|Czechs|Danish|Dane|Danes|Dutch|Dutchman|Ecuadorian|Egyptian|Egyptians|Emirati|English|Englishman|Eritrean|Estonian|Ethiopian|Ethiopians|European|Europeans|Filipino|Filipinos|Finnish|Finn|Finns|French|Frenchman|Georgian|Georgians|German|Germans|Ghanaian|Greek|Greeks|Guatemalan|Haitian|Haitians|Honduran|Hungarian|Hungarians|Icelandic|Indian|Indians|Indonesian|Indonesians|Iranian|Iranians|Iraqi|Iraqis|Irish|Irishman|Israeli|Israelis|Italian|Italians|Ivorian|Jamaican|Japanese|Jordanian|Jordanians|Kazakh|Kenyan|Kenyans|Korean|Koreans|Kosovar|Kurdish|Kurd|Kurds|Kuwaiti|Kyrgyz|Lao|Latvian|Lebanese|Liberian|Libyan|Libyans|Lithuanian|Macedonian|Malaysian|Malian|Maltese|Mexican|Mexicans|Moldovan|Mongolian|Montenegrin|Moroccan|Moroccans|Mozambican|Namibian|Nepalese|Nepali|Nicaraguan|Nigerian|Nigerians|Nigerien|Norwegian|Norwegians|Omani|Pakistani|Pakistanis|Palestinian|Palestinians|Panamanian|Paraguayan|Persian|Peruvian|Polish|Pole|Poles|Portuguese|Qatari|Romanian|Romanians|Russian|Russians|Rwandan|Saudi|Saudis|Scottish|Scot|Scots|Senegalese|Serb|Serbs|Serbian|Sierra Leonean|Singaporean|Slovak|Slovakian|Slovene|Slovenian|Somali|Somalis|South African|South Africans|South Korean|South Koreans|North Korean|North Koreans|Soviet|Soviets|Spanish|Spaniard|Spaniards|Sri Lankan|Sudanese|Swede|Swedes|Swedish|Swiss|Syrian|Syrians|Taiwanese|Tajik|Tanzanian|Thai|Tibetan|Tunisian|Turk|Turks|Turkish|Turkmen|Ugandan|Ukrainian|Ukrainians|Uruguayan|Uzbek|Venezuelan|Venezuelans|Vietnamese|Welsh|Yemeni|Yemenis|Yugoslav|Zambian|Zimbabwean|Zimbabweans|Arab|Arabs|Arabic|Asian|Asians|African|Africans|Latin American|Latino|Latinos|Hispanic|Hispanics|Scandinavian|Balkan|Caucasian|Slav|Slavic|Anglo|Western|Westerners|Middle Eastern|Gulf Arab|Pashtun|Sunni|Shi'ite|Shiite|Shia|Sunnis|Shiites|Muslim|Muslims|Moslem|Moslems|Christian|Christians|Catholic|Catholics|Protestant|Protestants|Jewish|Jew|Jews|Hindu|Hindus|Sikh|Sikhs|Buddhist|Buddhists|Islamic|Orthodox|Evangelical|Evangelicals|Mormon|Mormons|Republican|Republicans|Democrat|Democrats|Democratic|Conservative|Conservatives|Labour|Liberal|Tory|Tories|Socialist|Socialists|Communist|Communists|Marxist|Zionist|Islamist|Islamists|Kremlin|Californian|Texan|Texans|New Yorker|New Yorkers|Londoner|Parisian|Muscovite|Bavarian|Flemish|Walloon|Catalan|Basque|Corsican|Sicilian|Chechen|Chechens|Tamil|Tamils|Hutu|Hutus|Tutsi|Tutsis|Maori|Aboriginal|Inuit|Cherokee|Navajo";

const CITY: &str = "Kabul|Tirana|Algiers|Luanda|Buenos Aires|Yerevan|Canberra|Sydney|Melbourne|Brisbane|Perth|Adelaide|Vienna|Baku|Nassau|Manama|Dhaka|Minsk|Brussels|Antwerp|Sarajevo|Brasilia|Rio de Janeiro|Rio|Sao Paulo|Sofia|Phnom Penh|Yaounde|Ottawa|Toronto|Montreal|Vancouver|Calgary|Santiago|Beijing|Peking|Shanghai|Guangzhou|Shenzhen|Wuhan|Chongqing|Tianjin|Bogota|Kinshasa|Brazzaville|San Jose|Zagreb|Havana|Nicosia|Prague|Copenhagen|Quito|Cairo|Alexandria|Tallinn|Addis Ababa|Helsinki|Paris|Marseille|Lyon|Nice|Toulouse|Bordeaux|Strasbourg|Tbilisi|Berlin|Bonn|Frankfurt|Munich|Hamburg|Cologne|Stuttgart|Dusseldorf|Dortmund|Leipzig|Dresden|Bremen|Hanover|Accra|Athens|Thessaloniki|Guatemala City|Conakry|Port-au-Prince|Tegucigalpa|Budapest|Reykjavik|New Delhi|Delhi|Mumbai|Bombay|Calcutta|Kolkata|Madras|Chennai|Bangalore|Hyderabad|Jakarta|Tehran|Baghdad|Basra|Mosul|Dublin|Belfast|Jerusalem|Tel Aviv|Haifa|Rome|Milan|Naples|Turin|Florence|Venice|Genoa|Bologna|Palermo|Kingston|Tokyo|Osaka|Kyoto|Yokohama|Hiroshima|Amman|Astana|Almaty|Nairobi|Mombasa|Pristina|Kuwait City|Bishkek|Vientiane|Riga|Beirut|Monrovia|Tripoli|Benghazi|Vilnius|Skopje|Kuala Lumpur|Valletta|Mexico City|Guadalajara|Monterrey|Tijuana|Chisinau|Ulan Bator|Podgorica|Rabat|Casablanca|Maputo|Yangon|Rangoon|Windhoek|Kathmandu|Amsterdam|Rotterdam|The Hague|Wellington|Auckland|Managua|Niamey|Lagos|Abuja|Pyongyang|Seoul|Busan|Oslo|Muscat|Islamabad|Karachi|Lahore|Ramallah|Panama City|Asuncion|Lima|Manila|Warsaw|Krakow|Lisbon|Porto|Doha|Bucharest|Moscow|St. Petersburg|Saint Petersburg|Kiev|Kyiv|Kharkiv|Donetsk|Odessa|Sevastopol|Kigali|Riyadh|Jeddah|Mecca|Medina|Dakar|Belgrade|Freetown|Bratislava|Ljubljana|Mogadishu|Johannesburg|Pretoria|Cape Town|Durban|Juba|Madrid|Barcelona|Seville|Valencia|Bilbao|Colombo|Khartoum|Stockholm|Gothenburg|Bern|Geneva|Zurich|Basel|Lausanne|Damascus|Aleppo|Homs|Raqqa|Idlib|Taipei|Dushanbe|Dodoma|Dar es Salaam|Bangkok|Tunis|Ankara|Istanbul|Izmir|Ashgabat|Kampala|Abu Dhabi|Dubai|London|Manchester|Liverpool|Birmingham|Leeds|Glasgow|Edinburgh|Cardiff|Oxford|Cambridge|Bristol|Newcastle|Sheffield|Nottingham|Southampton|Montevideo|Tashkent|Caracas|Hanoi|Ho Chi Minh City|Saigon|Sanaa|Aden|Lusaka|Harare|Washington|New York|New York City|Los Angeles|Chicago|Houston|Philadelphia|Phoenix|San Antonio|San Diego|Dallas|San Francisco|Austin|Seattle|Denver|Boston|Detroit|Nashville|Memphis|Portland|Las Vegas|Baltimore|Milwaukee|Atlanta|Miami|Cleveland|Pittsburgh|Cincinnati|Minneapolis|St. Louis|New Orleans|Tampa|Orlando|Sacramento|Kansas City|Charlotte|Indianapolis|Columbus|Salt Lake City|Honolulu|Anchorage|Buffalo|Albany|Richmond|Raleigh|Hartford|Newark|Jersey City|Brooklyn|Manhattan|Queens|Bronx|Harlem|Oakland|Berkeley|Palo Alto|Silicon Valley|Hollywood|Charleston|Savannah|Birmingham|Louisville|Omaha|Tucson|Albuquerque|El Paso|Fort Worth|Jacksonville|Annapolis|Tallahassee|Springfield|Des Moines|Little Rock|Boise|Cheyenne|Concord|Montpelier|Augusta|Trenton|Dover|Harrisburg|Lansing|Madison|Topeka|Lincoln|Bismarck|Pierre|Helena|Olympia|Salem|Carson City|Santa Fe|Oklahoma City|Baton Rouge|Jackson|Montgomery|Frankfort|Columbia|Providence|Juneau|Charlottesville|Ferguson|Parkland|Flint|Sochi|Minsk|Grozny|Vladivostok|Novosibirsk|Yekaterinburg|Salisbury|Hebron|Nablus|Gaza City|Sderot|Ramadi|Fallujah|Tikrit|Kirkuk|Erbil|Kandahar|Herat|Peshawar|Quetta|Rawalpindi|Srinagar|Kashmir|Goa|Macau|Hong Kong|Singapore|Monaco|Luxembourg|Vatican City|Davos|Brussels|Strasbourg|Luxembourg|Lille|Nantes|Naples|Salzburg|Graz|Innsbruck|Ghent|Bruges|Liege|Charleroi|Utrecht|Eindhoven|Maastricht|Aarhus|Bergen|Malmo|Tampere|Gdansk|Wroclaw|Poznan|Lodz|Brno|Kosice|Timisoara|Cluj|Plovdiv|Varna|Split|Dubrovnik|Novi Sad|Nis|Banja Luka|Mostar|Srebrenica|Tuzla";

const US_STATE: &str = "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|District of Columbia|D.C.|Ala.|Ariz.|Ark.|Calif.|Colo.|Conn.|Del.|Fla.|Ga.|Ill.|Ind.|Kan.|Ky.|La.|Md.|Mass.|Mich.|Minn.|Miss.|Mo.|Mont.|Neb.|Nev.|N.H.|N.J.|N.M.|N.Y.|N.C.|N.D.|Okla.|Ore.|Pa.|R.I.|S.C.|S.D.|Tenn.|Tex.|Va.|Vt.|Wash.|Wis.|Wyo.|Ontario|Quebec|British Columbia|Alberta|Manitoba|Saskatchewan|Nova Scotia|New Brunswick|Newfoundland|Bavaria|Saxony|Hesse|Lombardy|Tuscany|Sicily|Sardinia|Corsica|Normandy|Brittany|Provence|Andalusia|Galicia|Punjab|Sindh|Baluchistan|Balochistan|Kerala|Gujarat|Bengal|Queensland|Victoria|Tasmania|New South Wales|Xinjiang|Guangdong|Sichuan|Hubei|Yunnan|Fujian|Kurdistan|Anbar|Nineveh|Donbas|Donbass|Luhansk|Siberia|Dagestan|Ingushetia|Transylvania|Bohemia|Moravia|Silesia|Kosovo|Darfur|Kashmir|Chechnya|Ulster|Yorkshire|Lancashire|Kent|Essex|Surrey";

const REGION: &str = "Europe|Asia|Africa|North America|South America|Latin America|Central America|Antarctica|Australasia|Oceania|Middle East|Near East|Far East|Mideast|Eurasia|Scandinavia|Balkans|Caucasus|Caribbean|Mediterranean|Baltic|Baltics|Gulf|Persian Gulf|Arabian Peninsula|Sahara|Sahel|Horn of Africa|Maghreb|Levant|Eastern Europe|Western Europe|Central Europe|Southern Europe|Northern Europe|Central Asia|South Asia|Southeast Asia|East Asia|West Africa|East Africa|North Africa|Southern Africa|Sub-Saharan Africa|Pacific|Atlantic|Indian Ocean|Arctic|Korean Peninsula|South China Sea|East China Sea|Black Sea|Caspian Sea|Red Sea|Dead Sea|North Sea|Baltic Sea|Aegean|Adriatic|Golan Heights|Golan|Sinai|Strait of Hormuz|Suez Canal|Suez|Panama Canal|Himalayas|Alps|Andes|Rockies|Amazon|Nile|Danube|Rhine|Thames|Mississippi|Yangtze|Euphrates|Tigris|Jordan River|Midwest|Northeast|Southwest|Southeast|Northwest|West Coast|East Coast|Gulf Coast|Appalachia|New England|Deep South|Bay Area|Wall Street|Capitol Hill|Main Street|Downing Street|Whitehall|Westminster|Pentagon|Kremlin|Elysee|Camp David|Guantanamo|Guantanamo Bay|Mar-a-Lago|Tiananmen Square|Red Square|Times Square|Ground Zero|Wall|Gaza Strip|West Bank|East Jerusalem|Eastern Ghouta|Ghouta|Idlib";

const TITLE: &str = "President|Vice President|Prime Minister|Deputy Prime Minister|Minister|Foreign Minister|Defence Minister|Defense Minister|Finance Minister|Interior Minister|Justice Minister|Trade Minister|Secretary|Secretary of State|Secretary-General|Secretary General|Undersecretary|Under Secretary|Chancellor|Premier|King|Queen|Prince|Princess|Crown Prince|Emperor|Pope|Sheikh|Emir|Sultan|Ayatollah|Supreme Leader|Governor|Lieutenant Governor|Mayor|Senator|Sen.|Sens.|Rep.|Reps.|Representative|Congressman|Congresswoman|Congressmen|Speaker|House Speaker|Majority Leader|Minority Leader|Leader|Chairman|Chairwoman|Chair|Chief Executive|CEO|Chief|Director|Commissioner|Ambassador|Envoy|Consul|Attorney General|Attorney|Judge|Justice|Chief Justice|General|Gen.|Lt.|Lieutenant|Colonel|Col.|Major|Maj.|Captain|Capt.|Admiral|Adm.|Sergeant|Sgt.|Commander|Marshal|Field Marshal|Spokesman|Spokeswoman|Spokesperson|Aide|Adviser|Advisor|National Security Adviser|Press Secretary|Chief of Staff|Diplomat|Official|Officials|Coach|Manager|Striker|Midfielder|Defender|Goalkeeper|Captain|Dictator|Rebel|Cardinal|Archbishop|Bishop|Rabbi|Imam|Reverend|Rev.|Father|Sister|Brother|Saint|Lord|Lady|Sir|Dame|Baron|Duke|Duchess|Count|Countess|Gov.|Lt. Gov.|Pres.|Sec.|Amb.|Supt.|Insp.|Det.|Officer|Deputy|Assistant|Professor|Prof.|Dr.|Doctor|Analyst|Economist|Trader|Dealer|Lawmaker|Lawmakers|Legislator|Candidate|Nominee|Challenger|Incumbent|Founder|Owner|Editor|Correspondent|Reporter|Anchor|Host|Actor|Actress|Singer|Author|Writer|Billionaire|Mogul|Tycoon|Magnate|Investor|Defendant|Plaintiff|Prosecutor|Special Counsel|Counsel|Inspector General|Director General|Vice Chairman|Vice Chancellor|Deputy Director|Deputy Secretary|Deputy Minister|Trainer|Jockey|Champion|Titleholder|Seed|Veteran";

const HONORIFIC: &str = "Mr.|Mrs.|Ms.|Miss|Mr|Mrs|Ms|Messrs.|Mme|Mme.|Mlle|Herr|Frau|Senor|Senora|Signor|Monsieur|Madame|Dr|Sr.|Jr.|Sr|Jr|III|II|IV";

const ORG_WORD: &str = "Ministry|Department|Agency|Administration|Commission|Committee|Subcommittee|Council|Board|Bureau|Office|Authority|Service|Services|Party|Front|Movement|Alliance|Coalition|League|Union|Federation|Confederation|Association|Society|Institute|Institution|Foundation|Fund|Trust|Center|Centre|University|College|School|Academy|Hospital|Clinic|Church|Mosque|Temple|Bank|Group|Holdings|Holding|Company|Companies|Industries|Industry|Enterprises|Partners|Capital|Securities|Investments|Insurance|Airlines|Airways|Air|Motors|Motor|Energy|Oil|Petroleum|Gas|Electric|Power|Telecom|Telecommunications|Communications|Technologies|Technology|Systems|Software|Pharmaceuticals|Pharma|Media|News|Times|Post|Journal|Herald|Tribune|Gazette|Daily|Network|Broadcasting|Television|TV|Radio|Press|Club|United|City|Rovers|Athletic|Wanderers|Albion|Rangers|County|Team|Army|Navy|Air Force|Forces|Force|Guard|Police|Brigade|Brigades|Corps|Congress|Senate|House|Parliament|Assembly|Cabinet|Government|Court|Tribunal|Supreme Court|Exchange|Stock Exchange|Market|Markets|Commerce|Chamber|Reserve|Treasury|Organisation|Organization|Organizations|Program|Programme|Project|Initiative|Network|Caucus|Campaign|Institute|Laboratory|Lab|Labs|Museum|Orchestra|Festival|Council|Court|Tribunal";

const ORG_KNOWN: &str = "United Nations|UN|U.N.|NATO|European Union|EU|E.U.|European Commission|European Parliament|Council of Europe|OSCE|OPEC|IMF|International Monetary Fund|World Bank|WTO|World Trade Organization|World Health Organization|WHO|UNESCO|UNICEF|UNHCR|Red Cross|Red Crescent|Amnesty International|Human Rights Watch|Greenpeace|Interpol|Europol|G7|G8|G20|ASEAN|African Union|Arab League|Gulf Cooperation Council|GCC|OECD|FIFA|UEFA|IOC|NBA|NFL|NHL|MLB|NCAA|ATP|WTA|PGA|ICC|Hamas|Hezbollah|Hizbollah|Taliban|al Qaeda|al-Qaeda|Al Qaeda|Islamic State|ISIS|ISIL|Daesh|PLO|Fatah|IRA|Sinn Fein|ETA|PKK|Kurdistan Workers Party|FARC|Boko Haram|al-Shabaab|Muslim Brotherhood|Khmer Rouge|Likud|Labour Party|Conservative Party|Liberal Democrats|Democratic Party|Republican Party|GOP|Christian Democrats|Social Democrats|SPD|CDU|CSU|Bundestag|Bundesbank|Duma|Knesset|Kremlin|Politburo|Pentagon|White House|State Department|Justice Department|Defense Department|Treasury Department|Homeland Security|Department of Homeland Security|Congress|Senate|House of Representatives|House of Commons|House of Lords|Supreme Court|Federal Reserve|Fed|FBI|CIA|NSA|NASA|EPA|FDA|FCC|SEC|IRS|DOJ|DHS|ICE|ATF|DEA|FEMA|Secret Service|Census Bureau|Congressional Budget Office|CBO|GAO|Federal Bureau of Investigation|Central Intelligence Agency|Environmental Protection Agency|National Rifle Association|NRA|ACLU|Planned Parenthood|NAACP|Black Lives Matter|Tea Party|Freedom Caucus|Reuters|Associated Press|AP|AFP|Agence France-Presse|Bloomberg|Dow Jones|BBC|CNN|Fox News|Fox|MSNBC|NBC|CBS|ABC|NPR|PBS|Al Jazeera|New York Times|Washington Post|Wall Street Journal|Los Angeles Times|USA Today|Financial Times|The Guardian|Guardian|The Times|Politico|The Hill|Breitbart|Axios|BuzzFeed|Huffington Post|Vox|Time|Newsweek|The Economist|Economist|Der Spiegel|Le Monde|Xinhua|Tass|Itar-Tass|Interfax|RIA|RT|Sputnik|Kyodo|Yonhap|Apple|Google|Alphabet|Microsoft|Amazon|Facebook|Twitter|Instagram|YouTube|Netflix|Tesla|Uber|IBM|Intel|Oracle|Cisco|Samsung|Sony|Toyota|Honda|Nissan|Volkswagen|BMW|Daimler|Mercedes|Ford|General Motors|GM|Chrysler|Fiat|Renault|Peugeot|Boeing|Airbus|Lockheed Martin|Exxon|ExxonMobil|Exxon Mobil|Chevron|Shell|Royal Dutch Shell|BP|Total|Gazprom|Rosneft|Aramco|Saudi Aramco|Walmart|Wal-Mart|Goldman Sachs|JPMorgan|JPMorgan Chase|Morgan Stanley|Citigroup|Citibank|Bank of America|Wells Fargo|Deutsche Bank|HSBC|Barclays|UBS|Credit Suisse|BNP Paribas|Nomura|Siemens|Philips|Nestle|Unilever|Procter & Gamble|Coca-Cola|PepsiCo|McDonald's|Starbucks|Disney|Warner Bros|Time Warner|Comcast|AT&T|Verizon|Huawei|ZTE|Alibaba|Tencent|Baidu|Nokia|Ericsson|Vodafone|Deutsche Telekom|British Telecom|Lufthansa|British Airways|Air France|Aeroflot|Qantas|Ryanair|Harvard|Yale|Princeton|Stanford|MIT|Oxford University|Cambridge University|Brookings Institution|Heritage Foundation|Cato Institute|Pew Research Center|Gallup|Quinnipiac|Moody's|Standard & Poor's|S&P|Fitch|Nasdaq|NYSE|New York Stock Exchange|London Stock Exchange|Bundesliga|Premier League|Serie A|La Liga|Wikileaks|WikiLeaks|Trump Organization|Clinton Foundation|Fusion GPS|Cambridge Analytica|Internet Research Agency|Justice Ministry|Foreign Ministry|Defence Ministry|Defense Ministry|Interior Ministry|Finance Ministry|Security Council|General Assembly|Central Bank|European Central Bank|ECB|Bank of England|Bank of Japan|People's Bank of China";

const COMPANY_SUFFIX: &str = "Inc|Inc.|Corp|Corp.|Corporation|Co|Co.|Ltd|Ltd.|Limited|LLC|L.L.C.|LLP|PLC|Plc|plc|AG|GmbH|SA|S.A.|NV|N.V.|BV|SpA|AB|ASA|Oyj|KK|Cos|Cos.|Bhd|Pty|Group|Holdings|& Co|& Co.|Brothers|Bros|Bros.";

const FIRST_NAME: &str = "James|John|Robert|Michael|William|David|Richard|Joseph|Thomas|Charles|Christopher|Daniel|Matthew|Anthony|Mark|Donald|Steven|Paul|Andrew|Joshua|Kenneth|Kevin|Brian|George|Timothy|Ronald|Edward|Jason|Jeffrey|Ryan|Jacob|Gary|Nicholas|Eric|Jonathan|Stephen|Larry|Justin|Scott|Brandon|Benjamin|Samuel|Gregory|Alexander|Frank|Patrick|Raymond|Jack|Dennis|Jerry|Tyler|Aaron|Jose|Adam|Nathan|Henry|Douglas|Zachary|Peter|Kyle|Ethan|Walter|Noah|Jeremy|Christian|Keith|Roger|Terry|Gerald|Harold|Sean|Austin|Carl|Arthur|Lawrence|Dylan|Jesse|Jordan|Bryan|Billy|Joe|Bruce|Gabriel|Logan|Albert|Willie|Alan|Juan|Wayne|Elijah|Randy|Roy|Vincent|Ralph|Eugene|Russell|Bobby|Mason|Philip|Louis|Bill|Bob|Jim|Tom|Mike|Dave|Steve|Chris|Nick|Tony|Ted|Ben|Sam|Dan|Jeff|Rick|Ron|Ken|Tim|Greg|Fred|Ed|Al|Rex|Mitch|Chuck|Rand|Marco|Ted|Newt|Rudy|Hillary|Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Nancy|Lisa|Betty|Margaret|Sandra|Ashley|Kimberly|Emily|Donna|Michelle|Dorothy|Carol|Amanda|Melissa|Deborah|Stephanie|Rebecca|Sharon|Laura|Cynthia|Kathleen|Amy|Shirley|Angela|Helen|Anna|Brenda|Pamela|Nicole|Emma|Samantha|Katherine|Christine|Debra|Rachel|Catherine|Carolyn|Janet|Ruth|Maria|Heather|Diane|Virginia|Julie|Joyce|Victoria|Olivia|Kelly|Christina|Lauren|Joan|Evelyn|Judith|Megan|Cheryl|Andrea|Hannah|Martha|Jacqueline|Frances|Gloria|Ann|Teresa|Kathryn|Sara|Janice|Jean|Alice|Madison|Doris|Abigail|Julia|Judy|Grace|Denise|Amber|Marilyn|Beverly|Danielle|Theresa|Sophia|Marie|Diana|Brittany|Natalie|Isabella|Charlotte|Rose|Alexis|Kayla|Nikki|Sally|Kellyanne|Ivanka|Melania|Michelle|Condoleezza|Madeleine|Nancy|Elizabeth|Kirsten|Kamala|Tammy|Dianne|Theresa|Angela|Marine|Ségolène|Segolene|Jean|Pierre|Jacques|Francois|François|Michel|Philippe|Alain|Nicolas|Emmanuel|Laurent|Olivier|Hans|Klaus|Helmut|Gerhard|Wolfgang|Jurgen|Jürgen|Stefan|Andreas|Thomas|Martin|Karl|Heinz|Horst|Uwe|Joachim|Giuseppe|Giovanni|Luca|Marco|Paolo|Francesco|Alessandro|Silvio|Romano|Matteo|Carlos|Luis|Jorge|Miguel|Pedro|Manuel|Antonio|Fernando|Francisco|Javier|Diego|Alejandro|Ricardo|Sergio|Mariano|Felipe|Juan|Jose|Hugo|Evo|Nicolas|Vladimir|Sergei|Sergey|Dmitry|Dmitri|Alexei|Alexey|Mikhail|Boris|Viktor|Victor|Igor|Yuri|Ivan|Nikolai|Andrei|Oleg|Anatoly|Gennady|Petro|Volodymyr|Yulia|Ali|Mohammed|Mohammad|Muhammad|Ahmed|Ahmad|Hassan|Hussein|Hosni|Abdul|Abdullah|Omar|Khalid|Mahmoud|Yasser|Bashar|Hafez|Recep|Tayyip|Benjamin|Ehud|Shimon|Yitzhak|Ariel|Avigdor|Naftali|Xi|Li|Wang|Zhang|Shinzo|Junichiro|Kim|Moon|Park|Narendra|Rahul|Sonia|Manmohan|Imran|Nawaz|Benazir|Pervez|Justin|Stephen|Malcolm|Tony|Gordon|Theresa|Boris|Jeremy|Nigel|Jacinda|Recep|Lionel|Cristiano|Neymar|Roger|Rafael|Novak|Serena|Venus|Tiger|LeBron|Kobe|Michael|Wayne|Pete|Andre|Steffi|Martina|Monica|Boris|Goran|Thomas|Jim|Ernie|Nick|Colin|Dick|Mike|Paul|Chuck|Lindsey|Elizabeth|Bernie|Joe|Barack|Hillary|Ted|Marco|Ben|Carly|Jeb|Chris|Rick|Scott|Rand|Jared|Steve|Stephen|Reince|Sean|Sarah|Rex|Jim|Jeff|Robert|Rod|Christopher|Michael|Devin|Adam|Mitch|Chuck|Nancy|Kevin|Paul|Jerome|Janet|Alan|Ben|Brett|Neil|Sonia|Ruth|Sonia|Samuel|Clarence|Anthony|Merrick|Loretta|Eric|Jeh|John|James|Susan|Samantha|Valerie|Huma|Anthony|Carter|Leon|Ash|Jim|Robert|Dan|Mike|Nikki|Ryan|Betsy|Ben|Wilbur|Steven|Elaine|Tom|Ryan|Scott|Sonny|Rick|David|Alexander|Kirstjen|Hope|Omarosa|Gina|Kellyanne|Stormy|Sergei|Yulia|Natalia|Maria|Olga|Tatiana|Svetlana|Irina|Elena|Anna|Ekaterina";

const PERSON: &str = "Trump|Clinton|Obama|Bush|Reagan|Carter|Nixon|Kennedy|Johnson|Roosevelt|Lincoln|Pence|Biden|Sanders|Warren|McConnell|Schumer|Pelosi|Ryan|McCain|Graham|Rubio|Cruz|Kasich|Romney|Gore|Cheney|Rumsfeld|Powell|Rice|Kerry|Tillerson|Pompeo|Mattis|Bolton|Kelly|Flynn|Bannon|Priebus|Spicer|Sanders|Conway|Kushner|Mueller|Comey|Sessions|Rosenstein|Manafort|Gates|Papadopoulos|Nunes|Schiff|Putin|Medvedev|Lavrov|Yeltsin|Gorbachev|Shoigu|Peskov|Navalny|Skripal|Poroshenko|Zelensky|Merkel|Kohl|Schroeder|Macron|Hollande|Sarkozy|Chirac|Juppe|Le Pen|Fillon|May|Cameron|Blair|Brown|Major|Thatcher|Johnson|Corbyn|Farage|Netanyahu|Peres|Rabin|Sharon|Barak|Arafat|Abbas|Erdogan|Assad|Khamenei|Rouhani|Ahmadinejad|Khatami|Zarif|Saddam|Hussein|Mubarak|Sisi|Morsi|Gaddafi|Qaddafi|Kadhafi|Xi|Jinping|Hu|Jintao|Jiang|Zemin|Deng|Mao|Abe|Kim|Jong-un|Jong-il|Moon|Jae-in|Modi|Gandhi|Sharif|Khan|Musharraf|Bhutto|Karzai|Ghani|Trudeau|Harper|Turnbull|Duterte|Maduro|Chavez|Castro|Morales|Lula|Rousseff|Temer|Bolsonaro|Macri|Pena Nieto|Obrador|Mandela|Zuma|Mugabe|Kenyatta|Annan|Ban|Guterres|Stoltenberg|Juncker|Tusk|Barnier|Draghi|Lagarde|Yellen|Powell|Bernanke|Greenspan|Pope Francis|Benedict|John Paul|Dalai Lama|Bin Laden|Baghdadi|Zawahri|Nasrallah|Haniyeh|Milosevic|Karadzic|Mladic|Tudjman|Izetbegovic|Lukashenko|Nazarbayev|Aliyev|Saakashvili|Berlusconi|Renzi|Prodi|Conte|Salvini|Rajoy|Sanchez|Aznar|Zuckerberg|Bezos|Musk|Gates|Buffett|Soros|Murdoch|Koch|Adelson|Weinstein|Cosby|Assange|Snowden|Manning|Daniels|Cohen|Giuliani|Christie|Bloomberg|Cuomo|de Blasio|Brown|Newsom|Abbott|Scott|DeSantis|Walker|Haley|Perry|Carson|DeVos|Ross|Mnuchin|Zinke|Pruitt|Price|Azar|Acosta|Nielsen|Haspel|Coats|McMaster|Kavanaugh|Gorsuch|Scalia|Kennedy|Roberts|Ginsburg|Sotomayor|Kagan|Breyer|Thomas|Alito|Garland|Lynch|Holder|Brennan|Clapper|Rogers|Wray|Strzok|Page|Ohr|Steele|Kislyak|Deripaska|Veselnitskaya|Prigozhin";

const MISC_KNOWN: &str = "Olympics|Olympic Games|Olympic|Winter Olympics|Paralympics|World Cup|Super Bowl|World Series|Stanley Cup|Wimbledon|US Open|U.S. Open|French Open|Australian Open|Tour de France|Champions League|Europa League|UEFA Cup|Davis Cup|Ryder Cup|Masters|Grand Prix|Formula One|Euro 2016|Brexit|Obamacare|Affordable Care Act|Medicare|Medicaid|Social Security|Dodd-Frank|NAFTA|Paris Agreement|Paris climate agreement|Kyoto Protocol|Iran nuclear deal|JCPOA|Geneva Conventions|Constitution|First Amendment|Second Amendment|Fifth Amendment|Bill of Rights|Declaration of Independence|Patriot Act|Holocaust|World War II|World War I|Cold War|Gulf War|Vietnam War|Korean War|Iraq War|Arab Spring|Christmas|Easter|Ramadan|Eid|Hanukkah|Passover|Thanksgiving|Independence Day|Memorial Day|Labor Day|Election Day|New Year|Lent|Bible|Koran|Quran|Torah|Islam|Christianity|Judaism|Buddhism|Hinduism|Catholicism|Nobel Peace Prize|Nobel Prize|Nobel|Pulitzer|Oscar|Oscars|Academy Awards|Grammy|Grammys|Emmy|Golden Globes|English|French|German|Spanish|Russian|Arabic|Chinese|Mandarin|Cantonese|Hebrew|Farsi|Urdu|Hindi|Portuguese|Italian|Japanese|Korean|Turkish|Greek|Latin|Dow|Dow Jones Industrial Average|S&P 500|Nasdaq Composite|FTSE|FTSE 100|Nikkei|DAX|CAC 40|Hang Seng|Boeing 747|Boeing 737|Airbus A380|iPhone|iPad|Windows|Android|Internet|Twitter|Facebook|Marxism|Communism|Nazism|Nazi|Nazis|Fascism|Fascist|Zionism|Islamism|Jihad|Jihadist|Jihadists|Sharia|Cabinet|Democratic|Republican";

const LOC_WORD: &str = "River|Lake|Mountain|Mountains|Mount|Mt.|Island|Islands|Isle|Sea|Ocean|Bay|Gulf|Strait|Straits|Valley|Desert|Peninsula|Coast|Beach|Park|Forest|Canyon|Falls|Harbor|Harbour|Port|Airport|Station|Bridge|Street|St.|Avenue|Ave.|Road|Rd.|Boulevard|Blvd.|Square|Plaza|Highway|Freeway|Province|Region|County|District|Territory|Territories|State|Republic|Kingdom|Emirate|Oblast|Prefecture|Canton|Township|Village|Town|City|Heights|Hills|Hill|Springs|Field|Fields|North|South|East|West|Northern|Southern|Eastern|Western|Central|Upper|Lower|New|Fort|Ft.|Port|Cape|San|Santa|Saint|Sainte|Sankt|Los|Las|El|La|Le|Al|Ras|Tel|Kafr";

const CALENDAR: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan.|Feb.|Mar.|Apr.|Jun.|Jul.|Aug.|Sep.|Sept.|Oct.|Nov.|Dec.|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon.|Tue.|Wed.|Thu.|Fri.|Sat.|Sun.|Spring|Summer|Autumn|Fall|Winter|Today|Tonight|Yesterday|Tomorrow|Weekend|Morning|Evening|Afternoon|Night|AM|PM|a.m.|p.m.|GMT|EST|EDT|PST|CET|BST|UTC";

const SPORTS_TEAM: &str = "Manchester United|Man United|Manchester City|Man City|Liverpool|Arsenal|Chelsea|Tottenham|Tottenham Hotspur|Spurs|Everton|Aston Villa|Newcastle United|Leeds United|West Ham|West Ham United|Leicester|Southampton|Celtic|Rangers|Real Madrid|Barcelona|Atletico Madrid|Atletico|Valencia|Sevilla|Bayern Munich|Bayern|Borussia Dortmund|Dortmund|Schalke|Werder Bremen|Hamburg SV|Juventus|AC Milan|Milan|Inter Milan|Inter|AS Roma|Roma|Lazio|Napoli|Fiorentina|Parma|Ajax|Ajax Amsterdam|PSV Eindhoven|PSV|Feyenoord|Paris Saint-Germain|Paris St Germain|PSG|Marseille|Olympique Marseille|Monaco|Benfica|Porto|Sporting Lisbon|Galatasaray|Fenerbahce|Besiktas|Anderlecht|Spartak Moscow|CSKA Moscow|Dynamo Kiev|Yankees|New York Yankees|Red Sox|Boston Red Sox|Dodgers|Mets|Cubs|White Sox|Cardinals|Giants|Braves|Astros|Orioles|Mariners|Rangers|Blue Jays|Indians|Tigers|Royals|Twins|Athletics|Angels|Padres|Rockies|Phillies|Pirates|Reds|Brewers|Marlins|Expos|Nationals|Lakers|Celtics|Bulls|Knicks|Warriors|Heat|Spurs|Rockets|Cavaliers|Patriots|Cowboys|Packers|Steelers|Eagles|49ers|Broncos|Seahawks|Raiders|Redskins|Bears|Dolphins|Jets|Chiefs|Saints|Vikings|Maple Leafs|Canadiens|Bruins|Blackhawks|Red Wings";

fn list_source(list: usize) -> &'static str {
    match list {
        0 => COUNTRY,
        1 => DEMONYM,
        2 => CITY,
        3 => US_STATE,
        4 => REGION,
        5 => TITLE,
        6 => HONORIFIC,
        7 => ORG_WORD,
        8 => ORG_KNOWN,
        9 => COMPANY_SUFFIX,
        10 => FIRST_NAME,
        11 => PERSON,
        12 => MISC_KNOWN,
        13 => LOC_WORD,
        14 => CALENDAR,
        _ => SPORTS_TEAM,
    }
}

/// Case-insensitive multi-token matcher over all lists.
///
/// Entries are keyed by a rolling hash of their lowercased tokens so a match
/// needs no allocation: the caller passes per-token lowercase hashes
/// (computed with [`crate::nlp::ner::token_key`]).
pub struct Gazetteer {
    /// n-gram hash -> bitmask of the lists containing it.
    entries: HashMap<u64, u32>,
    /// Hashes of every proper prefix of an entry, to stop scanning early.
    prefixes: HashMap<u64, ()>,
}

/// Extends an n-gram hash by one token hash.
#[inline]
pub fn extend_ngram(h: u64, tok: u64) -> u64 {
    (h.rotate_left(23) ^ tok).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Hash of the empty n-gram.
pub const NGRAM_SEED: u64 = 0x2545_f491_4f6c_dd1d;

impl Gazetteer {
    /// The built-in lists, built once.
    pub fn builtin() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            let mut entries: HashMap<u64, u32> = HashMap::new();
            let mut prefixes: HashMap<u64, ()> = HashMap::new();
            let mut lower = String::new();
            for list in 0..NUM_LISTS {
                for entry in list_source(list).split('|') {
                    let mut h = NGRAM_SEED;
                    let toks: Vec<&str> = entry.split_whitespace().collect();
                    if toks.is_empty() || toks.len() > MAX_ENTRY_TOKENS {
                        continue;
                    }
                    for (k, t) in toks.iter().enumerate() {
                        if k > 0 {
                            prefixes.insert(h, ());
                        }
                        crate::nlp::ner::lowercase_into(t, &mut lower);
                        h = extend_ngram(h, crate::nlp::ner::token_key(&lower));
                    }
                    *entries.entry(h).or_insert(0) |= 1 << list;
                }
            }
            Gazetteer { entries, prefixes }
        })
    }

    /// Calls `emit(start, len, list_mask)` for every n-gram of `lower_keys`
    /// (per-token lowercase keys) found in some list.
    pub fn find_matches(&self, lower_keys: &[u64], mut emit: impl FnMut(usize, usize, u32)) {
        for start in 0..lower_keys.len() {
            let mut h = NGRAM_SEED;
            let end = (start + MAX_ENTRY_TOKENS).min(lower_keys.len());
            for (j, &key) in lower_keys.iter().enumerate().take(end).skip(start) {
                h = extend_ngram(h, key);
                if let Some(&mask) = self.entries.get(&h) {
                    emit(start, j + 1 - start, mask);
                }
                if !self.prefixes.contains_key(&h) {
                    break;
                }
            }
        }
    }
}
