// The project's assessment codes: scores the trials measure that have no LOINC code (DOMAIN.md,
// "Observations: codes and units"). The codes are a published contract: never rename one.
CodeSystem: TrialAssessments
Id: trial-assessments
Title: "Stroma trial assessments"
Description: "Clinical scores and their parts used by the Stroma cell-therapy trials that have no LOINC code."
* ^url = "https://stroma-fhir.org/fhir/CodeSystem/trial-assessments"
* ^status = #active
* ^caseSensitive = true
* ^content = #complete
// NCT04356287 and NCT02213705: skin score eligibility (mRss > 15 / > 20) and the M0-M12 secondary outcome.
* #mrss "Modified Rodnan skin score" "Skin thickness scored 0-3 at 17 body areas (total 0-51; Khanna et al. 2017)."
// NCT03562065: SELENA-SLEDAI >= 6 at baseline; outcomes at M3, M6, M9, M12 (min 0, max 105).
* #selena-sledai "SELENA-SLEDAI" "Systemic lupus erythematosus disease activity index, SELENA version (0-105)."
// NCT03562065: BILAG index outcomes (min 0, max 72) and the SRI's "no new BILAG A / B" conditions.
* #bilag-total "BILAG total score" "British Isles Lupus Assessment Group index, numeric total (0-72)."
* #bilag-organ "BILAG organ grades" "BILAG grade A-E of each organ system, one component per organ."
// BILAG-2004's nine organ systems (the component codes of bilag-organ).
* #bilag-constitutional "BILAG constitutional" "BILAG organ system: constitutional."
* #bilag-mucocutaneous "BILAG mucocutaneous" "BILAG organ system: mucocutaneous."
* #bilag-neuropsychiatric "BILAG neuropsychiatric" "BILAG organ system: neuropsychiatric."
* #bilag-musculoskeletal "BILAG musculoskeletal" "BILAG organ system: musculoskeletal."
* #bilag-cardiorespiratory "BILAG cardiorespiratory" "BILAG organ system: cardiorespiratory."
* #bilag-gastrointestinal "BILAG gastrointestinal" "BILAG organ system: gastrointestinal."
* #bilag-ophthalmic "BILAG ophthalmic" "BILAG organ system: ophthalmic."
* #bilag-renal "BILAG renal" "BILAG organ system: renal."
* #bilag-haematological "BILAG haematological" "BILAG organ system: haematological."
// The grades themselves (values of each bilag-organ component).
* #bilag-a "BILAG grade A" "Severe disease activity in the organ system."
* #bilag-b "BILAG grade B" "Moderate disease activity."
* #bilag-c "BILAG grade C" "Mild stable disease."
* #bilag-d "BILAG grade D" "Previously involved, currently inactive."
* #bilag-e "BILAG grade E" "Never involved."
// NCT03562065: the SRI's "no worsening in the overall evaluation of the physician" (0-3).
* #physician-global "Physician global assessment" "Physician global assessment of lupus activity (0-3)."
// NCT03562065: SF-36v2 quality of life at M3-M12, eight scales each transformed to 0-100.
* #sf36-pf "SF-36 physical functioning" "SF-36v2 scale score, 0-100."
* #sf36-rp "SF-36 role physical" "SF-36v2 scale score, 0-100."
* #sf36-bp "SF-36 bodily pain" "SF-36v2 scale score, 0-100."
* #sf36-gh "SF-36 general health" "SF-36v2 scale score, 0-100."
* #sf36-vt "SF-36 vitality" "SF-36v2 scale score, 0-100."
* #sf36-sf "SF-36 social functioning" "SF-36v2 scale score, 0-100."
* #sf36-re "SF-36 role emotional" "SF-36v2 scale score, 0-100."
* #sf36-mh "SF-36 mental health" "SF-36v2 scale score, 0-100."

ValueSet: Sf36Scales
Id: sf36-scales
Title: "SF-36 scale scores"
Description: "The eight SF-36v2 scales (NCT03562065's quality-of-life outcomes)."
* ^status = #active
* $TA#sf36-pf
* $TA#sf36-rp
* $TA#sf36-bp
* $TA#sf36-gh
* $TA#sf36-vt
* $TA#sf36-sf
* $TA#sf36-re
* $TA#sf36-mh

ValueSet: BilagOrganSystems
Id: bilag-organ-systems
Title: "BILAG organ systems"
Description: "The organ systems of a BILAG assessment, the component codes of bilag-organ."
* ^status = #active
* $TA#bilag-constitutional
* $TA#bilag-mucocutaneous
* $TA#bilag-neuropsychiatric
* $TA#bilag-musculoskeletal
* $TA#bilag-cardiorespiratory
* $TA#bilag-gastrointestinal
* $TA#bilag-ophthalmic
* $TA#bilag-renal
* $TA#bilag-haematological

ValueSet: BilagGrades
Id: bilag-grades
Title: "BILAG grades"
Description: "BILAG grades A-E of one organ system."
* ^status = #active
* $TA#bilag-a
* $TA#bilag-b
* $TA#bilag-c
* $TA#bilag-d
* $TA#bilag-e
