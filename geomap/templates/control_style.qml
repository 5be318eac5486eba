<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<!-- geomap's default style for the control layer: QGIS reads it from the GeoPackage's
     layer_styles table. Only the temporal settings: each row is shown from `start` to `end`,
     both days included ("Include beginning, include end"); a NULL end lasts. -->
<qgis version="3.22.0" styleCategories="Temporal">
 <temporal enabled="1" mode="2" limitMode="1" startField="start" endField="end" accumulate="0" fixedDuration="0" durationUnit="d" durationField="" startExpression="" endExpression="">
  <fixedRange>
   <start></start>
   <end></end>
  </fixedRange>
 </temporal>
</qgis>
